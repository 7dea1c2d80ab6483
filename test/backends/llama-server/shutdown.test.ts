/**
 * A server that goes away while a request is being generated: the backend must end with one clear MaftError
 * (the socket closed, then nothing listens), quickly, instead of waiting out its 10-minute attempt timeout.
 *
 * The default tiny model decodes ~20 000 tokens/s, too fast to stop "mid-run" reliably; this file serves a
 * larger random model (n_embd 256, 4 blocks, ~18 MB, ~800 tokens/s on one thread) and asks for 3 000 tokens
 * with `ignore_eos`, so the generation would last ~4 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleModel } from '../../../src/backends/openai-compatible/index.js';
import { isMaftError, type MaftError } from '../../../src/errors/maft-error.js';
import { binary, modelAlias, serveTinyModel, suiteName, type Served } from './fixtures.js';

async function failure(promise: Promise<unknown>): Promise<MaftError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isMaftError(error)) throw new Error(`expected a MaftError, got ${String(error)}`);
  return error;
}

/** Polls `/slots` until a slot is generating: the request has reached the decoder, not just the socket. */
async function untilGenerating(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const slots = (await (await fetch(`${origin}/slots`)).json()) as { is_processing: boolean }[];
    if (slots.some((slot) => slot.is_processing)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no slot started generating within ${timeoutMs} ms`);
}

describe.skipIf(binary.path === undefined)(suiteName('llama-server stopping mid-request'), () => {
  let served: Served;

  beforeAll(async () => {
    served = await serveTinyModel({
      shape: { embeddingLength: 256, blockCount: 4, feedForwardLength: 1024, contextLength: 4096 },
      ctxSize: 4096,
      parallel: 1,
    });
  });
  afterAll(async () => {
    await served?.close();
  });

  it('fails with REQUEST_FAILED or ENDPOINT_UNREACHABLE, not a hang', async () => {
    const model = createOpenAiCompatibleModel({
      baseURL: served.server.baseURL,
      model: modelAlias,
      env: {},
      maxRetries: 2,
      initialBackoffMs: 20,
      maxBackoffMs: 50,
    });
    // One answered request first: the endpoint is known to be up, so the failure below is retried as a
    // restart would be, and must still end (after maxRetries) rather than wait.
    await model.complete({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 2 });
    const pending = failure(
      model.complete({
        messages: [{ role: 'user', content: 'Write a long story.' }],
        maxTokens: 3_000,
        providerOptions: { openai: { ignore_eos: true } },
      }),
    );
    await untilGenerating(served.server.origin, 5_000);
    const stoppedAt = performance.now();
    // SIGTERM alone would not do: llama-server does not exit while a request is in flight (see the helper).
    await served.server.stop({ graceMs: 200 });
    const error = await pending;
    expect(performance.now() - stoppedAt).toBeLessThan(3_000);
    expect(['REQUEST_FAILED', 'ENDPOINT_UNREACHABLE']).toContain(error.code);
    expect(error.message).toContain(served.server.baseURL);
    expect(error.message).toMatch(/connection failed|cannot reach/);
  });
});
