/**
 * Does a GGUF LoRA adapter apply to a base model? Checked before a server or engine loads it, so an adapter
 * made for another base model is one line naming the file and the tensor, not a crash inside llama.cpp.
 * Reads headers only (architecture and tensor shapes), never tensor data.
 */
import { readGgufFileInfo } from 'node-llama-cpp';
import { MaftError } from '../errors/maft-error.js';

type GgufInfo = Awaited<ReturnType<typeof readGgufFileInfo>>;

async function readHeader(file: string, role: string): Promise<GgufInfo> {
  try {
    return await readGgufFileInfo(file, { logWarnings: false });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MaftError(
      missing ? 'FILE_NOT_FOUND' : 'INPUT_INVALID',
      missing ? `no such ${role} file` : `${role} is not a readable GGUF file`,
      { file },
    );
  }
}

/** The base model's weight shapes, read once and checked against many adapters. */
export interface BaseShapes {
  file: string;
  architecture: string;
  shapes: ReadonlyMap<string, readonly number[]>;
}

export async function readBaseShapes(file: string): Promise<BaseShapes> {
  const info = await readHeader(file, 'model');
  const general = info.metadata.general as { architecture?: string };
  const shapes = new Map((info.tensorInfo ?? []).map((tensor) => [tensor.name, tensor.dimensions.map(Number)]));
  return { file, architecture: String(general.architecture), shapes };
}

/**
 * Throws INPUT_INVALID when `adapter` is not a GGUF LoRA adapter, names another architecture, or has a tensor
 * whose base weight is missing or of another shape (lora_a is [in, r], lora_b [r, out]; the weight [in, out]).
 */
export async function assertAdapterFitsBase(adapter: string, base: BaseShapes): Promise<void> {
  const info = await readHeader(adapter, 'adapter');
  const metadata = info.metadata as unknown as {
    general?: { type?: string; architecture?: string };
    adapter?: { type?: string };
  };
  const other = (field: string, why: string): MaftError =>
    new MaftError('INPUT_INVALID', `made for another base model than ${base.file}: ${why}`, { file: adapter, field });
  if (metadata.general?.type !== 'adapter' || metadata.adapter?.type !== 'lora')
    throw new MaftError('INPUT_INVALID', 'expected a GGUF LoRA adapter (general.type = adapter, adapter.type = lora)', {
      file: adapter,
      field: 'general.type',
    });
  if (metadata.general.architecture !== base.architecture)
    throw other('general.architecture', `${String(metadata.general.architecture)}, the model is ${base.architecture}`);
  for (const tensor of info.tensorInfo ?? []) {
    const match = /^(.*)\.lora_(a|b)$/.exec(tensor.name);
    if (match === null) continue;
    const weight = base.shapes.get(match[1] ?? '');
    if (weight === undefined) throw other(tensor.name, `the model has no tensor ${match[1]}`);
    const shape = tensor.dimensions.map(Number);
    const [expected, actual] = match[2] === 'a' ? [weight[0], shape[0]] : [weight[1], shape[1]];
    if (expected !== actual)
      throw other(tensor.name, `${match[2] === 'a' ? 'input' : 'output'} size ${actual}, the model's is ${expected}`);
  }
}
