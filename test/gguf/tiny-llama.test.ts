/**
 * Engine test: a tiny model written by maft loads in node-llama-cpp (the llama.cpp it ships), tokenizes,
 * chats in ChatML and generates reproducibly; a LoRA adapter written by maft attaches to it.
 * Threads are pinned to 1: llama.cpp's workers spin, and vitest runs two test files at once on 2 cores.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  getLlama,
  LlamaChatSession,
  LlamaLogLevel,
  readGgufFileInfo,
  type Llama,
  type LlamaModel,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLoraAdapter } from '../../src/gguf/lora-adapter.js';
import { createTinyLlamaModel, randomFloats } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';

let directory: string;
let llama: Llama;
let model: LlamaModel;
let modelPath: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-tiny-llama-'));
  modelPath = path.join(directory, 'tiny-llama.gguf');
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 3 }));
  // build: 'never' makes a missing prebuilt binary fail here instead of cloning and compiling llama.cpp.
  llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath });
});

afterAll(async () => {
  await model?.dispose();
  await llama?.dispose();
  await rm(directory, { recursive: true, force: true });
});

/** One fresh context per reply: a reused sequence would carry state and change the sampled text. */
async function reply(prompt: string, seed: number, lora?: string, target: LlamaModel = model): Promise<string> {
  const context = await target.createContext({
    contextSize: 256,
    sequences: 1,
    threads: 1,
    ...(lora !== undefined ? { lora: { adapters: [{ filePath: lora, scale: 1 }] } } : {}),
  });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    expect(session.chatWrapper.wrapperName).toBe('ChatML');
    return await session.prompt(prompt, { maxTokens: 8, temperature: 1, seed });
  } finally {
    await context.dispose();
  }
}

describe('tiny llama model in node-llama-cpp', () => {
  it('carries the llama metadata and tokenizer', async () => {
    expect((await stat(modelPath)).size).toBeLessThan(2_000_000);
    const info = await readGgufFileInfo(modelPath, { logWarnings: false });
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.architectureMetadata).toMatchObject({
      embedding_length: 64,
      block_count: 2,
      feed_forward_length: 128,
      context_length: 512,
      attention: { head_count: 4, head_count_kv: 4 },
    });
    const tokenizer = info.metadata.tokenizer;
    expect(tokenizer.ggml.model).toBe('llama');
    const tokens = tokenizer.ggml.tokens as string[];
    expect(tokens.slice(0, 5)).toEqual(['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>']);
    expect(tokens[5 + 0x41]).toBe('<0x41>');
    expect(tokenizer.ggml.eos_token_id).toBe(4);
    expect(tokenizer.chat_template).toContain('<|im_start|>');
    expect(info.tensorInfo?.map((tensor) => tensor.name)).toContain('blk.1.ffn_down.weight');
  });

  it('round-trips text through the tokenizer, with byte fallback outside the vocabulary', () => {
    const text = 'The answer is \\boxed{42}.\nhéllo → 🙂';
    const tokens = model.tokenize(text);
    expect(model.detokenize(tokens)).toBe(text);
    expect(model.tokenize(' answer')).toHaveLength(1);
    expect(model.tokenize('é')).toHaveLength(2); // two byte tokens
    expect(model.tokenize('<|im_end|>', true)).toEqual([4]);
    expect(model.tokens.eos).toBe(4);
  });

  it('generates the same text for the same seed', async () => {
    const first = await reply('What is 2+3?', 11);
    expect(await reply('What is 2+3?', 11)).toBe(first);
    expect(await reply('What is 2+3?', 12)).not.toBe(first);
  });

  it('attaches a LoRA adapter written by maft', async () => {
    const rank = 4;
    const adapterPath = path.join(directory, 'adapter.gguf');
    const weights = [0, 1].flatMap((block) =>
      ['attn_output', 'ffn_down'].map((name) => {
        const target = `blk.${block}.${name}.weight`;
        const inputSize = name === 'ffn_down' ? 128 : 64;
        return {
          target,
          inputSize,
          outputSize: 64,
          rank,
          a: randomFloats(block * 10 + inputSize, inputSize * rank, 0.5),
          b: randomFloats(block * 10 + 1, rank * 64, 0.5),
        };
      }),
    );
    await writeGgufFile(adapterPath, describeLoraAdapter({ architecture: 'llama', alpha: rank, weights }));
    const info = await readGgufFileInfo(adapterPath, { logWarnings: false });
    expect(info.metadata.general).toMatchObject({ type: 'adapter' });
    const adapted = await reply('What is 2+3?', 11, adapterPath);
    expect(adapted).toBe(await reply('What is 2+3?', 11, adapterPath));
    expect(adapted).not.toBe(await reply('What is 2+3?', 11));
  });

  it('loads the Qwen2-shaped variant with a byte-level BPE vocabulary', async () => {
    const qwenPath = path.join(directory, 'tiny-qwen2.gguf');
    await writeGgufFile(qwenPath, createTinyLlamaModel({ architecture: 'qwen2', headCountKv: 2, weightType: 'F16' }));
    const qwen = await llama.loadModel({ modelPath: qwenPath });
    try {
      const text = 'The answer is \\boxed{42}.\nhéllo → 🙂';
      expect(qwen.detokenize(qwen.tokenize(text))).toBe(text);
      expect(qwen.tokenize(' answer')).toHaveLength(1);
      const first = await reply('What is 2+3?', 5, undefined, qwen);
      expect(await reply('What is 2+3?', 5, undefined, qwen)).toBe(first);
    } finally {
      await qwen.dispose();
    }
  });
});
