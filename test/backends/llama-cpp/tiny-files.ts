/**
 * Test fixtures for the llama.cpp backend: tiny random-weight models and a LoRA adapter written by maft's
 * own GGUF writer into a temporary directory (nothing is downloaded).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tinyAdapter } from '../../helpers/tiny-adapter.js';
import { createTinyLlamaModel } from '../../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../../src/gguf/write-gguf.js';

export interface TinyFiles {
  readonly directory: string;
  /** A tiny llama model (ChatML template), seed 3. */
  readonly modelA: string;
  /** A second, different tiny llama model, seed 4. */
  readonly modelB: string;
  /** A tiny qwen2-architecture model (byte-level BPE vocabulary). */
  readonly qwenModel: string;
  /** A rank-4 LoRA adapter for modelA's shape. */
  readonly adapter: string;
  /** A file that is not GGUF. */
  readonly notGguf: string;
  remove(): Promise<void>;
}

export async function writeTinyFiles(): Promise<TinyFiles> {
  const directory = await mkdtemp(path.join(tmpdir(), 'maft-llama-cpp-'));
  const modelA = path.join(directory, 'tiny-a.gguf');
  const modelB = path.join(directory, 'tiny-b.gguf');
  const qwenModel = path.join(directory, 'tiny-qwen2.gguf');
  const adapter = path.join(directory, 'adapter-a.gguf');
  const notGguf = path.join(directory, 'not-a-model.gguf');
  await writeGgufFile(modelA, createTinyLlamaModel({ seed: 3 }));
  await writeGgufFile(modelB, createTinyLlamaModel({ seed: 4 }));
  await writeGgufFile(qwenModel, createTinyLlamaModel({ architecture: 'qwen2', headCountKv: 2, seed: 5 }));
  await writeGgufFile(adapter, tinyAdapter());
  await writeFile(notGguf, '{"this": "is json"}\n');
  return {
    directory,
    modelA,
    modelB,
    qwenModel,
    adapter,
    notGguf,
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
