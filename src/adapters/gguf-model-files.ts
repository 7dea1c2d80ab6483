/**
 * What adapter conversion reads from GGUF files: a base model's architecture, head counts and weight shapes
 * (to map, permute and check an adapter against it), and a LoRA adapter's A/B tensors as float32.
 */
import { open } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { MaftError } from '../errors/maft-error.js';
import { float16BitsToFloat32 } from '../gguf/float16.js';

export interface BaseModelInfo {
  readonly file: string;
  readonly architecture: string;
  readonly name: string | undefined;
  readonly headCount: number;
  readonly headCountKv: number;
  /** Weight name → ggml shape ([input, output] for a matrix). */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
}

export interface GgufTensorValues {
  /** ggml order: shape[0] is the fastest-varying index. */
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface GgufLoraFile {
  readonly file: string;
  readonly architecture: string;
  readonly alpha: number;
  /** `blk.0.attn_q.weight.lora_a` → values, in file order. */
  readonly tensors: ReadonlyMap<string, GgufTensorValues>;
}

async function readInfo(path: string): Promise<Awaited<ReturnType<typeof readGgufFileInfo>>> {
  try {
    return await readGgufFileInfo(path, { logWarnings: false });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MaftError(
      missing ? 'FILE_NOT_FOUND' : 'INPUT_INVALID',
      missing ? 'no such file' : `not a readable GGUF file: ${error instanceof Error ? error.message : String(error)}`,
      { file: path },
    );
  }
}

export async function readBaseModelInfo(path: string): Promise<BaseModelInfo> {
  const info = await readInfo(path);
  const general = info.metadata.general as { architecture?: string; type?: string; name?: string };
  if (general.type === 'adapter')
    throw new MaftError('INPUT_INVALID', 'expected a base model, got an adapter', {
      file: path,
      field: 'general.type',
    });
  const architecture = String(general.architecture);
  const attention =
    (info.architectureMetadata as { attention?: { head_count?: unknown; head_count_kv?: unknown } }).attention ?? {};
  const headCount = attention.head_count;
  const headCountKv = attention.head_count_kv ?? headCount;
  if (typeof headCount !== 'number' || typeof headCountKv !== 'number') {
    throw new MaftError(
      'INPUT_INVALID',
      'expected one number of attention heads (per-layer counts are not supported)',
      { file: path, field: `${architecture}.attention.head_count` },
    );
  }
  const shapes = new Map(
    (info.tensorInfo ?? []).map((tensor) => [tensor.name, tensor.dimensions.map(Number)] as const),
  );
  return { file: path, architecture, name: general.name, headCount, headCountKv, shapes };
}

/** F32 and F16 adapters (llama.cpp's converter writes F16 by default; maft writes F32). */
export async function readGgufLoraFile(path: string): Promise<GgufLoraFile> {
  const info = await readInfo(path);
  const metadata = info.metadata as unknown as {
    general?: { type?: string; architecture?: string };
    adapter?: { type?: string; lora?: { alpha?: number } };
  };
  if (metadata.general?.type !== 'adapter' || metadata.adapter?.type !== 'lora') {
    throw new MaftError('INPUT_INVALID', 'expected a LoRA adapter (general.type = adapter, adapter.type = lora)', {
      file: path,
    });
  }
  const tensors = new Map<string, GgufTensorValues>();
  const file = await open(path, 'r');
  try {
    for (const tensor of info.tensorInfo ?? []) {
      const shape = tensor.dimensions.map(Number);
      const count = shape.reduce((product, size) => product * size, 1);
      const width = tensor.ggmlType === 0 ? 4 : tensor.ggmlType === 1 ? 2 : 0;
      if (width === 0)
        throw new MaftError('INPUT_INVALID', `tensor ${tensor.name}: only F32 and F16 adapters are converted`, {
          file: path,
        });
      const bytes = Buffer.alloc(count * width);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, Number(tensor.fileOffset));
      if (bytesRead !== bytes.length)
        throw new MaftError('INPUT_INVALID', `tensor ${tensor.name} is truncated`, { file: path });
      const values = new Float32Array(count);
      for (let index = 0; index < count; index++) {
        values[index] =
          width === 4 ? bytes.readFloatLE(4 * index) : float16BitsToFloat32(bytes.readUInt16LE(2 * index));
      }
      tensors.set(tensor.name, { shape, values });
    }
  } finally {
    await file.close();
  }
  return {
    file: path,
    architecture: String(metadata.general.architecture),
    alpha: metadata.adapter.lora?.alpha ?? 0,
    tensors,
  };
}
