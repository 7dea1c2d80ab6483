/**
 * Read a GGUF LoRA adapter back (one maft wrote, or any F32 adapter in llama.cpp's layout) as the starting
 * point of further training: iteration k of a finetuning run continues from iteration k−1's adapter
 * (docs/method.md, "The loop", step 5: the released code continues from the previous iteration's models).
 */
import { open } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';
import { ggmlType } from '../ggml/handles.js';

export interface StoredAdapter {
  readonly alpha: number;
  readonly rank: number;
  /** `<base tensor>.lora_a` / `.lora_b` → floats in ggml order. */
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

export async function readLoraAdapter(path: string): Promise<StoredAdapter> {
  let info;
  try {
    info = await readGgufFileInfo(path, { logWarnings: false });
  } catch (error) {
    throw new MaftError(
      'INPUT_INVALID',
      `not a readable GGUF adapter: ${error instanceof Error ? error.message : String(error)}`,
      { file: path },
    );
  }
  const metadata = info.metadata as unknown as {
    general?: { type?: string };
    adapter?: { type?: string; lora?: { alpha?: number } };
  };
  if (metadata.general?.type !== 'adapter' || metadata.adapter?.type !== 'lora') {
    throw new MaftError('INPUT_INVALID', 'expected a LoRA adapter (general.type = adapter, adapter.type = lora)', {
      file: path,
    });
  }
  const tensors = new Map<string, Float32Array>();
  let rank: number | undefined;
  const file = await open(path, 'r');
  try {
    for (const tensor of info.tensorInfo ?? []) {
      if (tensor.ggmlType !== ggmlType.F32) {
        throw new MaftError(
          'INPUT_INVALID',
          `tensor ${tensor.name} is not F32: only F32 adapters can be trained further`,
          { file: path },
        );
      }
      const shape = tensor.dimensions.map(Number);
      if (tensor.name.endsWith('.lora_a')) rank ??= shape[1];
      const values = new Float32Array(shape.reduce((product, size) => product * size, 1));
      const { bytesRead } = await file.read(
        new Uint8Array(values.buffer),
        0,
        values.byteLength,
        Number(tensor.fileOffset),
      );
      if (bytesRead !== values.byteLength)
        throw new MaftError('INPUT_INVALID', `tensor ${tensor.name} is truncated`, { file: path });
      tensors.set(tensor.name, values);
    }
  } finally {
    await file.close();
  }
  if (rank === undefined) throw new MaftError('INPUT_INVALID', 'the adapter holds no lora_a tensor', { file: path });
  return { alpha: metadata.adapter.lora?.alpha ?? 0, rank, tensors };
}
