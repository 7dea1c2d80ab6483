/**
 * The embedded engine end to end on tiny random-weight models (replies are noise; the mechanics are real):
 * templates, sampling, token accounting, batching as sequences of one context, the model and context caches,
 * adapters, thoughts, errors and disposal. Threads are pinned to 1: llama.cpp's workers spin, and vitest runs
 * two test files at once on 2 cores.
 */
import { QwenChatWrapper } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLlamaCppEngine,
  type LlamaCppChatModel,
  type LlamaCppEngine,
} from '../../../src/backends/llama-cpp/index.js';
import { isMaftError } from '../../../src/errors/maft-error.js';
import type { ChatMessage } from '../../../src/spec/chat-model.js';
import { writeTinyFiles, type TinyFiles } from './tiny-files.js';

let files: TinyFiles;
let engine: LlamaCppEngine;
let model: LlamaCppChatModel;

const question: ChatMessage[] = [{ role: 'user', content: 'What is 2+3?' }];

beforeAll(async () => {
  files = await writeTinyFiles();
  engine = await createLlamaCppEngine({ threads: 1, logLevel: 'error' });
  model = await engine.chatModel({ model: files.modelA });
});

afterAll(async () => {
  await engine?.dispose();
  await files?.remove();
});

describe('a single reply', () => {
  it('has text, token usage, a finish reason and timing', async () => {
    const reply = await model.complete({ messages: question, maxTokens: 8, seed: 1 });
    expect(reply.text.length).toBeGreaterThan(0);
    expect(reply.thoughts).toBeUndefined();
    expect(reply.modelId).toBe(`llama-cpp:${files.modelA}`);
    expect(reply.usage.promptTokens).toBe(model.renderPrompt(question).tokenCount);
    expect(reply.usage.completionTokens).toBeGreaterThan(0);
    expect(reply.usage.completionTokens).toBeLessThanOrEqual(8);
    expect(['stop', 'length']).toContain(reply.finishReason);
    expect(reply.durationMs).toBeGreaterThan(0);
    expect(reply.queueMs).toBeLessThanOrEqual(reply.firstChunkMs!);
    expect(reply.firstChunkMs).toBeLessThanOrEqual(reply.durationMs);
    expect(reply.warnings).toEqual([]);
  });

  it('reproduces its text with the same seed and varies it with another', async () => {
    const ask = (seed: number) => model.complete({ messages: question, maxTokens: 8, temperature: 1, topP: 0.9, seed });
    const first = (await ask(11)).text;
    expect((await ask(11)).text).toBe(first);
    expect((await ask(12)).text).not.toBe(first);
  });

  it('stops at maxTokens with finishReason length', async () => {
    const reply = await model.complete({ messages: question, maxTokens: 4, seed: 2 });
    expect(reply.finishReason).toBe('length');
    expect(reply.usage.completionTokens).toBe(4);
  });

  it('renders the model template with the given system message and no default one', async () => {
    expect(model.chatWrapper.wrapperName).toBe('ChatML');
    expect(model.renderPrompt(question).text).toBe(
      'BOS<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n',
    );
    const withSystem: ChatMessage[] = [{ role: 'system', content: 'Answer in \\boxed{}.' }, ...question];
    const rendered = model.renderPrompt(withSystem);
    expect(rendered.text).toBe(
      'BOS<|im_start|>system\nAnswer in \\boxed{}.<|im_end|>\n<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n',
    );
    // What was evaluated is exactly the rendered prompt: nothing was injected.
    const reply = await model.complete({ messages: withSystem, maxTokens: 2, seed: 3 });
    expect(reply.usage.promptTokens).toBe(rendered.tokenCount);
  });

  it('separates <think> segments into thoughts with a thought-aware wrapper', async () => {
    // Qwen 3.5's template opens a thought segment at the start of every reply, so a 4-token reply is all thought.
    const thinker = await engine.chatModel({
      model: files.modelA,
      chatWrapper: new QwenChatWrapper({ variation: '3.5' }),
    });
    const reply = await thinker.complete({ messages: question, maxTokens: 4, seed: 4 });
    expect(reply.thoughts?.length).toBeGreaterThan(0);
    expect(reply.text).toBe('');
    expect(reply.finishReason).toBe('length');
    await thinker.dispose();
  });

  it('warns about unsupported provider options and honours an aborted signal', async () => {
    const reply = await model.complete({
      messages: question,
      maxTokens: 2,
      seed: 5,
      providerOptions: { llamaCpp: { mirostat: 2 } },
    });
    expect(reply.warnings).toEqual(['providerOptions.llamaCpp.mirostat=2 is not supported; ignored']);
    await expect(model.complete({ messages: question, signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow(
      'stop',
    );
  });
});

describe('the context', () => {
  it('cuts a reply that fills the context with finishReason length and a warning', async () => {
    const small = await engine.chatModel({ model: files.modelA, contextSize: 256 });
    const long: ChatMessage[] = [{ role: 'user', content: 'the answer is '.repeat(75) }];
    const room = 256 - small.renderPrompt(long).tokenCount - 16;
    expect(room).toBeGreaterThan(0);
    expect(room).toBeLessThan(20);
    const reply = await small.complete({ messages: long, maxTokens: 100, seed: 6 });
    expect(reply.finishReason).toBe('length');
    expect(reply.usage.completionTokens).toBe(room);
    expect(reply.warnings).toEqual(['the reply filled the context (256 tokens per sequence); raise contextSize']);
    const tooLong = [{ role: 'user' as const, content: 'the answer is '.repeat(100) }];
    await expect(small.complete({ messages: tooLong })).rejects.toThrow(/leaves no room for a reply/);
    await small.dispose();
  });

  it('runs concurrent requests as sequences of one context, queueing beyond its slots', async () => {
    const before = engine.stats();
    const agents = await Promise.all(
      [0, 1, 2].map(() => engine.chatModel({ model: files.modelA, contextSize: 256, sequences: 3 })),
    );
    expect(engine.stats().contextCreations).toBe(before.contextCreations + 1);
    expect(engine.stats().modelLoads).toBe(before.modelLoads);
    // contextSize is per sequence: node-llama-cpp 3.22 allocates 3 × 256 cells for this context.
    expect([agents[0]!.contextSize, agents[0]!.sequences]).toEqual([256, 3]);
    const round = () =>
      Promise.all(
        [...agents, agents[0]!].map((agent, index) =>
          agent.complete({ messages: question, maxTokens: 6, seed: 20 + index }),
        ),
      );
    const replies = await round();
    expect(replies.every((reply) => reply.text.length > 0 && reply.usage.completionTokens > 0)).toBe(true);
    // Three requests found a free sequence at once; the fourth waited for one.
    const queued = replies.map((reply) => reply.queueMs);
    expect(Math.max(...queued.slice(0, 3))).toBeLessThan(queued[3]!);
    // Same seeds at the same parallelism: the same texts.
    expect((await round()).map((reply) => reply.text)).toEqual(replies.map((reply) => reply.text));
    await Promise.all(agents.map((agent) => agent.dispose()));
    expect(engine.stats().liveContexts).toBe(before.liveContexts);
  });

  it('lets a request waiting for a sequence be aborted', async () => {
    const single = await engine.chatModel({ model: files.modelA, contextSize: 256 });
    const controller = new AbortController();
    const first = single.complete({ messages: question, maxTokens: 6, seed: 1 });
    const second = single.complete({ messages: question, maxTokens: 6, seed: 2, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(second).rejects.toThrow('cancelled');
    expect((await first).usage.completionTokens).toBeGreaterThan(0);
    await single.dispose();
  });

  it('counts generations in flight, and none once a reply is aborted', async () => {
    const controller = new AbortController();
    let settled = false;
    const reply = model
      .complete({ messages: question, maxTokens: 200, seed: 3, signal: controller.signal })
      .finally(() => (settled = true));
    let most = 0;
    while (!settled && most === 0) {
      most = Math.max(most, engine.stats().activeGenerations);
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort(new Error('client gone'));
    await reply.catch(() => undefined);
    expect(most).toBeLessThanOrEqual(1);
    expect(engine.stats().activeGenerations).toBe(0);
  });
});

describe('the caches', () => {
  it('loads each model file once and applies an adapter per context', async () => {
    const before = engine.stats();
    const a1 = await engine.chatModel({ model: files.modelA, contextSize: 256 });
    const a2 = await engine.chatModel({ model: files.modelA, contextSize: 256, id: 'agent-2' });
    const b = await engine.chatModel({ model: files.modelB, contextSize: 256 });
    const adapted = await Promise.all(
      [1, 2].map(() => engine.chatModel({ model: files.modelA, adapter: files.adapter, contextSize: 256 })),
    );
    const after = engine.stats();
    expect(after.modelLoads - before.modelLoads).toBe(1); // modelB; modelA was already loaded
    expect(after.adapterLoads - before.adapterLoads).toBe(1);
    expect(after.contextCreations - before.contextCreations).toBe(3); // A, B, A + adapter
    const ask = (chatModel: LlamaCppChatModel) => chatModel.complete({ messages: question, maxTokens: 8, seed: 9 });
    const [plain, other, withAdapter, sameAdapter] = await Promise.all([
      ask(a1),
      ask(b),
      ask(adapted[0]!),
      ask(adapted[1]!),
    ]);
    expect(a2.id).toBe('agent-2');
    expect(other!.text).not.toBe(plain!.text);
    expect(withAdapter!.text).not.toBe(plain!.text);
    expect(sameAdapter!.text).toBe(withAdapter!.text);
    for (const chatModel of [a1, a2, b, ...adapted]) await chatModel.dispose();
    expect(engine.stats()).toMatchObject({ liveModels: before.liveModels, liveContexts: before.liveContexts });
  });

  it('reports a missing or non-GGUF file as one MaftError, leaving nothing loaded', async () => {
    const before = engine.stats();
    for (const [source, code] of [
      [`${files.directory}/missing.gguf`, 'FILE_NOT_FOUND'],
      [files.notGguf, 'INPUT_INVALID'],
    ] as const) {
      const error = await engine.chatModel({ model: source }).catch((caught: unknown) => caught);
      expect(isMaftError(error) && error.code).toBe(code);
      expect(isMaftError(error) && error.toOneLine()).toMatch(new RegExp(`^${source}: [^\\n]+$`));
    }
    const mismatch = await engine
      .chatModel({ model: files.qwenModel, adapter: files.adapter })
      .catch((caught: unknown) => caught);
    expect(isMaftError(mismatch) && mismatch.toOneLine()).toBe(
      `${files.adapter}: adapter is for llama models, but tiny-qwen2.gguf is qwen2`,
    );
    const badOption = await engine.chatModel({ model: files.modelA, sequences: 0 }).catch((caught: unknown) => caught);
    expect(isMaftError(badOption) && badOption.toOneLine()).toBe(
      'sequences: sequences must be a positive integer, got 0',
    );
    expect(engine.stats()).toEqual(before);
  });
});

describe('dispose', () => {
  it('frees everything; later calls fail', async () => {
    const own = await createLlamaCppEngine({ threads: 1, logLevel: 'error' });
    const chatModel = await own.chatModel({ model: files.modelB, contextSize: 256 });
    await chatModel.complete({ messages: question, maxTokens: 2, seed: 1 });
    await own.dispose();
    expect(own.stats()).toMatchObject({ liveModels: 0, liveContexts: 0 });
    await expect(chatModel.complete({ messages: question, maxTokens: 2 })).rejects.toThrow();
    await expect(own.chatModel({ model: files.modelB })).rejects.toThrow(/disposed/);
    await own.dispose(); // idempotent
    await chatModel.dispose();
  });
});
