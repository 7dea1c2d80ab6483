/**
 * Where a model or adapter file comes from. A source is either a local path (resolved against the working
 * directory) or a remote reference that node-llama-cpp's `resolveModelFile` understands: an `hf:` URI
 * (`hf:owner/repo:Q4_K_M`, `hf:owner/repo/file.gguf`) or an http(s) URL. Remote sources are looked up in a
 * models directory first and downloaded there on first use (when allowed).
 *
 * Every resolved file is checked for GGUF's magic bytes before llama.cpp sees it: llama.cpp's own failure
 * on a wrong file is a vague "failed to load model", so maft names the file and what is wrong with it.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { readGgufFileInfo, resolveModelFile } from 'node-llama-cpp';
import { assertGgufComplete } from './gguf-complete.js';
import { MaftError } from '../../errors/maft-error.js';

export interface ModelSourceOptions {
  /** Directory that remote sources are found in and downloaded to. Default: node-llama-cpp's `~/.node-llama-cpp/models`. */
  readonly modelsDirectory?: string;
  /** Whether a remote source missing from `modelsDirectory` may be downloaded. Default true. */
  readonly allowDownload?: boolean;
  readonly signal?: AbortSignal;
}

export interface ResolvedModelFile {
  /** Absolute path of the GGUF file. */
  readonly path: string;
  /** `general.architecture` (`llama`, `qwen2`…), when the header has it: an adapter must match its base model's. */
  readonly architecture: string | undefined;
}

/** The 4 bytes every GGUF file starts with. */
const ggufMagic = Buffer.from('GGUF', 'ascii');

/** True for sources that name a remote file (hf: URI or URL) rather than a local path. */
export function isRemoteModelSource(source: string): boolean {
  return /^(hf|huggingface):/i.test(source) || /^https?:\/\//i.test(source);
}

/**
 * The absolute path of the GGUF file a source names, downloading a remote one if needed and allowed.
 * A `model` must not be a LoRA adapter and an `adapter` must be one (`general.type`): llama.cpp's errors for
 * the swap are unhelpful.
 */
export async function resolveModelSource(
  source: string,
  role: 'model' | 'adapter',
  options: ModelSourceOptions = {},
): Promise<ResolvedModelFile> {
  if (source.trim() === '') throw new MaftError('CONFIG_INVALID', `the ${role} source is empty`);
  let filePath: string;
  if (isRemoteModelSource(source)) {
    try {
      filePath = await resolveModelFile(source, {
        ...(options.modelsDirectory !== undefined ? { directory: options.modelsDirectory } : {}),
        download: options.allowDownload === false ? false : 'auto',
        cli: false,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MaftError(
        'FILE_NOT_FOUND',
        `cannot resolve ${role} ${source}: ${reason}`,
        { file: source },
        { cause: error },
      );
    }
  } else {
    filePath = path.resolve(source);
  }
  await assertGgufFile(filePath, role); // the magic bytes, whole tensor data, and the role
  return { path: filePath, architecture: await assertGgufType(filePath, role) };
}

/** Checks `general.type` against the role and returns `general.architecture`. */
async function assertGgufType(filePath: string, role: 'model' | 'adapter'): Promise<string | undefined> {
  let type: unknown;
  let architecture: unknown;
  try {
    const info = await readGgufFileInfo(filePath, { readTensorInfo: false, logWarnings: false });
    const general = info.metadata.general as { type?: unknown; architecture?: unknown } | undefined;
    type = general?.type;
    architecture = general?.architecture;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MaftError(
      'INPUT_INVALID',
      `${role} file has a damaged GGUF header: ${reason}`,
      { file: filePath },
      { cause: error },
    );
  }
  if (role === 'adapter' && type !== 'adapter') {
    throw new MaftError(
      'INPUT_INVALID',
      `adapter file is not a LoRA adapter (general.type is ${JSON.stringify(type ?? null)})`,
      {
        file: filePath,
      },
    );
  }
  if (role === 'model' && type === 'adapter') {
    throw new MaftError('INPUT_INVALID', 'model file is a LoRA adapter; pass it as the adapter of its base model', {
      file: filePath,
    });
  }
  return typeof architecture === 'string' ? architecture : undefined;
}

/** Throws FILE_NOT_FOUND when `filePath` is missing or unreadable, INPUT_INVALID when it is not GGUF. */
export async function assertGgufFile(filePath: string, role: string): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(filePath, 'r');
    try {
      head = Buffer.alloc(ggufMagic.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new MaftError('FILE_NOT_FOUND', `cannot read ${role} file: ${reason}`, { file: filePath }, { cause: error });
  }
  if (!head.equals(ggufMagic)) {
    const seen = head.length === 0 ? 'the file is empty' : `it starts with ${JSON.stringify(head.toString('latin1'))}`;
    throw new MaftError('INPUT_INVALID', `${role} file is not a GGUF file (expected the bytes "GGUF", ${seen})`, {
      file: filePath,
    });
  }
  await assertGgufComplete(filePath, role);
  if (role === 'model' || role === 'adapter') await assertGgufType(filePath, role);
}

/** The largest context a default gives a model (memory grows with it, per agent sequence). */
export const defaultContextCap = 4096;

/**
 * The context size a config that names none gets: the model's training context (`<arch>.context_length`), at
 * most `defaultContextCap` — never more than the model was trained on (llama.cpp warns `n_ctx_seq > n_ctx_train`
 * and quality falls off past it). A remote (`hf:`) or unreadable model gets the cap; its check comes later.
 */
export async function defaultContextSize(source: string): Promise<number> {
  if (isRemoteModelSource(source) || !existsSync(source)) return defaultContextCap;
  try {
    const info = await readGgufFileInfo(source, { logWarnings: false, readTensorInfo: false });
    const architecture = (info.metadata as { general?: { architecture?: unknown } }).general?.architecture;
    const trained =
      typeof architecture === 'string'
        ? (info.metadata as Record<string, { context_length?: unknown }>)[architecture]?.context_length
        : undefined;
    return typeof trained === 'number' && trained > 0 ? Math.min(trained, defaultContextCap) : defaultContextCap;
  } catch {
    return defaultContextCap;
  }
}
