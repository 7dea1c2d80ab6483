/**
 * Several llama.cpp contexts per model (`contexts`), each decoding one reply alone: the replies are the text the
 * same requests get one at a time, a second context opens only when the first is busy, and no more than
 * `contexts` replies decode at once. Speed is bench/every-core.ts's business, not this test's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaCppEngine, defaultDecodeContexts } from '../../../src/backends/llama-cpp/index.js';
import { isMaftError } from '../../../src/errors/maft-error.js';
import type { ChatMessage } from '../../../src/spec/chat-model.js';
import { writeTinyFiles, type TinyFiles } from './tiny-files.js';

let files: TinyFiles;
beforeAll(async () => {
  files = await writeTinyFiles();
});
afterAll(async () => {
  await files?.remove();
});

const requests = [0, 1, 2, 3, 4].map((index) => ({
  messages: [{ role: 'user', content: `What is ${index}+${index + 2}?` }] as ChatMessage[],
  maxTokens: 12,
  temperature: 1,
  topP: 0.9,
  seed: 40 + index,
}));

describe('contexts per model', () => {
  it('decode concurrent replies side by side, each the text it has alone, at most `contexts` at once', async () => {
    const alone = await createLlamaCppEngine({ threads: 1, logLevel: 'error' });
    const single = await alone.chatModel({ model: files.modelA, contextSize: 256, adapter: files.adapter });
    const expected: string[] = [];
    for (const request of requests) expected.push((await single.complete(request)).text);
    expect(alone.stats().llamaContextCreations).toBe(1);
    await alone.dispose();

    const engine = await createLlamaCppEngine({ threads: 1, contexts: 2, logLevel: 'error' });
    const model = await engine.chatModel({ model: files.modelA, contextSize: 256, adapter: files.adapter });
    expect(model.sequences).toBe(2);
    // One request at a time never needs a second context.
    expect((await model.complete(requests[0]!)).text).toBe(expected[0]);
    expect(engine.stats().llamaContextCreations).toBe(1);

    let settled = false;
    let most = 0;
    const replies = Promise.all(requests.map((request) => model.complete(request))).finally(() => (settled = true));
    while (!settled) {
      most = Math.max(most, engine.stats().activeGenerations);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await replies).map((reply) => reply.text)).toEqual(expected);
    expect(most).toBe(2);
    expect(engine.stats().llamaContextCreations).toBe(2);
    expect(engine.stats().adapterLoads).toBe(1);
    await model.dispose();
    expect(engine.stats()).toMatchObject({ liveContexts: 0, activeGenerations: 0 });
    await engine.dispose();
  });

  it('refuses a count that is not a positive integer', async () => {
    const error = await createLlamaCppEngine({ threads: 1, contexts: 0 }).catch((caught: unknown) => caught);
    expect(isMaftError(error) && error.code === 'CONFIG_INVALID' && error.message).toMatch(/contexts must be/);
  });

  it('default to two per core at 1 thread on a CPU, the cores divided by threads at more, one with a GPU', () => {
    expect(defaultDecodeContexts(1, false, 2)).toBe(4);
    expect(defaultDecodeContexts(1, false, 16)).toBe(32);
    expect(defaultDecodeContexts(2, false, 2)).toBe(1);
    expect(defaultDecodeContexts(2, false, 16)).toBe(8);
    expect(defaultDecodeContexts(3, false, 2)).toBe(1);
    expect(defaultDecodeContexts(1, 'auto', 16)).toBe(1);
  });
});
