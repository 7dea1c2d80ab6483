/**
 * Shared setup of the llama-server suites: whether the binary exists (skip locally, fail under CI), a temp
 * directory with maft's tiny random-weight model (and a LoRA adapter for it), and a server over that model.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tinyAdapter } from '../../helpers/tiny-adapter.js';
import { createTinyLlamaModel, type TinyModelOptions } from '../../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../../src/gguf/write-gguf.js';
import {
  findLlamaServerBinary,
  startLlamaServer,
  type LlamaServer,
  type LlamaServerOptions,
} from '../../helpers/llama-server.js';

/** Resolved once at import: under CI a missing binary throws here, failing the file instead of skipping it. */
export const binary = findLlamaServerBinary();

/** The suite title: says why it was skipped when it was, since `describe.skipIf` takes no reason. */
export function suiteName(name: string): string {
  return binary.path === undefined ? `${name} — skipped: ${binary.reason}` : name;
}

export const modelAlias = 'maft-tiny';

export interface Served {
  server: LlamaServer;
  directory: string;
  modelPath: string;
  adapterPath: string;
  close(): Promise<void>;
}

export interface ServeOptions extends Partial<LlamaServerOptions> {
  /** Also write a LoRA adapter and load it (id 0, at scale 0 until a request asks). */
  withAdapter?: boolean;
  /** Shape of the random model. Default maft's tiny llama (~0.7 MB, loads in ~10 ms, decodes ~20 000 tok/s). */
  shape?: TinyModelOptions;
}

/** Writes the model (and an adapter), then serves them on a fresh llama-server. */
export async function serveTinyModel(options: ServeOptions = {}): Promise<Served> {
  const directory = await mkdtemp(path.join(tmpdir(), 'maft-llama-server-'));
  const modelPath = path.join(directory, 'tiny-llama.gguf');
  const adapterPath = path.join(directory, 'adapter.gguf');
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 3, ...options.shape }));
  if (options.withAdapter === true) await writeGgufFile(adapterPath, tinyAdapter());
  const { withAdapter, shape: _shape, ...serverOptions } = options;
  try {
    const server = await startLlamaServer({
      modelPath,
      alias: modelAlias,
      threads: 1,
      ctxSize: 1536,
      parallel: 3,
      ...(withAdapter === true ? { loras: [adapterPath] } : {}),
      ...serverOptions,
    });
    const close = async (): Promise<void> => {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    };
    return { server, directory, modelPath, adapterPath, close };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
