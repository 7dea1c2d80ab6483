/**
 * The OpenAI-compatible backend against a real llama.cpp `llama-server` (built from the llama.cpp source
 * node-llama-cpp ships) serving maft's tiny random-weight model: the answer's shape, truncation, seeds,
 * concurrent slots and the model list. The model's text is noise; what is checked is the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleModel } from '../../../src/backends/openai-compatible/index.js';
import type { ChatModel, ChatRequest } from '../../../src/spec/chat-model.js';
import { binary, modelAlias, serveTinyModel, suiteName, type Served } from './fixtures.js';

const question = (content: string, seed: number, maxTokens: number): ChatRequest => ({
  messages: [{ role: 'user', content }],
  temperature: 1,
  seed,
  maxTokens,
});

describe.skipIf(binary.path === undefined)(suiteName('OpenAI-compatible backend against llama-server'), () => {
  let served: Served;
  let model: ChatModel;

  beforeAll(async () => {
    served = await serveTinyModel();
    model = createOpenAiCompatibleModel({ baseURL: served.server.baseURL, model: modelAlias, env: {}, concurrency: 3 });
  });
  afterAll(async () => {
    await served?.close();
  });

  it('answers a chat completion with text, token usage and a finish reason', async () => {
    const answer = await model.complete(question('What is 2+3?', 7, 12));
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.usage.promptTokens).toBeGreaterThan(5); // the ChatML-wrapped question
    expect(answer.usage.completionTokens).toBeGreaterThan(0);
    expect(answer.usage.completionTokens).toBeLessThanOrEqual(12);
    expect(['stop', 'length']).toContain(answer.finishReason);
    expect(answer.modelId).toBe(modelAlias);
    expect(answer.warnings).toEqual([]);
    expect(answer.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a reply cut at maxTokens as finishReason "length"', async () => {
    const answer = await model.complete(question('Count to ten.', 1, 4));
    expect(answer.finishReason).toBe('length');
    expect(answer.usage.completionTokens).toBe(4);
  });

  it('reproduces the text for the same seed (llama-server honours `seed`), and not for another', async () => {
    const first = await model.complete(question('Name a prime number.', 11, 24));
    const again = await model.complete(question('Name a prime number.', 11, 24));
    const other = await model.complete(question('Name a prime number.', 12, 24));
    expect(again.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
  });

  it('completes 3 concurrent requests, decoded side by side in 3 slots', async () => {
    const seeds = [21, 22, 23];
    // 200 tokens each (~10 ms) so that the three overlap; `ignore_eos` so none ends early.
    const answers = await Promise.all(
      seeds.map((seed) =>
        model.complete({
          ...question(`Agent ${seed}: solve 7*6.`, seed, 200),
          providerOptions: { openai: { ignore_eos: true } },
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer.usage.completionTokens).toBe(200);
      expect(answer.finishReason).toBe('length');
    }
    // Run one after another, all three would land in the same slot (llama-server picks the slot whose cached
    // prompt shares the longest prefix); side by side, each slot's last task is a different one of them.
    const slots = (await (await fetch(`${served.server.origin}/slots`)).json()) as { params?: { seed?: number } }[];
    expect(slots.map((slot) => slot.params?.seed).sort()).toEqual(seeds);
  });

  it('lists the served model at /v1/models', async () => {
    const response = await fetch(`${served.server.baseURL}/models`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { id: string }[] };
    expect(body.data.map((entry) => entry.id)).toContain(modelAlias);
  });
});
