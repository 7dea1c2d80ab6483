// The backend against a fault-injecting server on 127.0.0.1: every transient fault is survived, Retry-After is
// honoured, permanent errors fail at once, and every final error is one clear line.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAiCompatibleModel,
  type OpenAiCompatibleOptions,
} from '../../../src/backends/openai-compatible/index.js';
import { isMaftError, type MaftError } from '../../../src/errors/maft-error.js';
import { startFaultServer, type Behaviour, type FaultServer } from '../../helpers/fault-server.js';

/** Small timings so that the whole file runs in a few seconds. */
const quick = { maxRetries: 10, timeoutMs: 300, initialBackoffMs: 10, maxBackoffMs: 40, env: {} } as const;
const question = { messages: [{ role: 'user' as const, content: 'What is 2+2?' }], temperature: 1, seed: 3 };

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function modelFor(script: Behaviour[], options: Partial<OpenAiCompatibleOptions> = {}, fallback?: Behaviour) {
  server = await startFaultServer({ script, ...(fallback === undefined ? {} : { fallback }) });
  return {
    server,
    model: createOpenAiCompatibleModel({ baseURL: server.baseURL, model: 'tiny', ...quick, ...options }),
  };
}

async function failure(promise: Promise<unknown>): Promise<MaftError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isMaftError(error)) throw new Error(`expected a MaftError, got ${String(error)}`);
  return error;
}

describe('transient faults', () => {
  it('survives 429, 5xx, a hang, malformed JSON, dropped connections and a stalled body, then answers right', async () => {
    const { server, model } = await modelFor([
      { kind: 'status', status: 429, headers: { 'retry-after-ms': '20' } },
      { kind: 'status', status: 500 },
      { kind: 'hang' },
      { kind: 'malformed-json' },
      { kind: 'drop' },
      { kind: 'stall-body' },
      { kind: 'drop-mid-body' },
      { kind: 'status', status: 502, body: '<html>Bad Gateway</html>' },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 504 },
      { kind: 'reply', content: 'The answer is \\boxed{4}.' },
    ]);
    const response = await model.complete(question);
    expect(response).toMatchObject({
      text: 'The answer is \\boxed{4}.',
      finishReason: 'stop',
      modelId: 'tiny',
      warnings: [],
    });
    expect(response.usage).toEqual({ promptTokens: 7, completionTokens: 3 });
    expect(server.requests).toHaveLength(11);
    // Every attempt sent the same request; two attempts each waited out the 300 ms time bound.
    expect(new Set(server.requests.map((request) => JSON.stringify(request.body))).size).toBe(1);
    expect(server.requests[0]?.body).toMatchObject({
      model: 'tiny',
      temperature: 1,
      seed: 3,
      messages: question.messages,
    });
    expect(response.durationMs).toBeGreaterThanOrEqual(600);
  });

  it('retries 408 and 409 too', async () => {
    const { server, model } = await modelFor([
      { kind: 'status', status: 408 },
      { kind: 'status', status: 409 },
    ]);
    expect((await model.complete(question)).text).toBe('echo: What is 2+2?');
    expect(server.requests).toHaveLength(3);
  });

  it('waits as long as Retry-After (seconds) and retry-after-ms say, capped by maxRetryAfterMs', async () => {
    const { server, model } = await modelFor(
      [
        { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
        { kind: 'status', status: 503, headers: { 'retry-after-ms': '300' } },
        { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      ],
      { maxRetryAfterMs: 200 },
    );
    await model.complete(question);
    const gaps = server.requests
      .slice(1)
      .map((request, index) => request.receivedAt - (server.requests[index]?.receivedAt ?? 0));
    // Without honouring the header the backoff would be 10–40 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(195); // Retry-After: 1 s, capped at 200 ms
    expect(gaps[0]).toBeLessThan(400);
    expect(gaps[1]).toBeGreaterThanOrEqual(195); // retry-after-ms: 300, capped at 200 ms
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
  });

  it('honours a full one-second Retry-After', async () => {
    const { server, model } = await modelFor([{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }]);
    await model.complete(question);
    const [first, second] = server.requests;
    const gap = (second?.receivedAt ?? 0) - (first?.receivedAt ?? 0);
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(1500);
  });
});

describe('final failures', () => {
  it('does not retry a 400 and reports the server message (vLLM puts it at the top level)', async () => {
    const vllmError = JSON.stringify({
      object: 'error',
      message: "This model's maximum context length is 4096 tokens",
      code: 400,
    });
    const { server, model } = await modelFor([{ kind: 'status', status: 400, body: vllmError }]);
    const error = await failure(model.complete(question));
    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('REQUEST_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.toOneLine()).toBe(
      `POST ${server.baseURL}/chat/completions: 400 This model's maximum context length is 4096 tokens`,
    );
  });

  it('gives up after maxRetries with one line naming the URL, the attempts and the status', async () => {
    const { server, model } = await modelFor(
      [],
      { maxRetries: 2 },
      { kind: 'status', status: 503, body: 'Loading model\n  please wait' },
    );
    const error = await failure(model.complete(question));
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ code: 'REQUEST_FAILED', retryable: true });
    expect(error.message).toBe(
      `POST ${server.baseURL}/chat/completions failed after 3 attempts: 503 Loading model please wait`,
    );
  });

  it('reports attempts that all timed out as TIMEOUT', async () => {
    const { server, model } = await modelFor([], { maxRetries: 1, timeoutMs: 150 }, { kind: 'hang' });
    const error = await failure(model.complete(question));
    expect(server.requests).toHaveLength(2);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(error.message).toBe(
      `POST ${server.baseURL}/chat/completions failed after 2 attempts: timed out after 150 ms`,
    );
  });

  it('stops at once when the caller aborts', async () => {
    const { model } = await modelFor([], { timeoutMs: 5_000 }, { kind: 'hang' });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(model.complete({ ...question, signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('what the server sees and says', () => {
  it('maps finish_reason length to length, reasoning_content to thoughts, and sends extra body fields', async () => {
    const { server, model } = await modelFor([
      { kind: 'reply', content: '<think>long', finishReason: 'length' },
      { kind: 'reply', content: '4', reasoningContent: '2+2', usage: null },
    ]);
    const lora = createOpenAiCompatibleModel({
      baseURL: server.baseURL,
      model: 'tiny',
      ...quick,
      extraBody: { lora: [{ id: 1, scale: 1 }] },
    });
    const truncated = await lora.complete({
      ...question,
      maxTokens: 8,
      providerOptions: { openai: { top_k: 40, min_p: 0.05 } },
    });
    expect(truncated).toMatchObject({ text: '', thoughts: 'long', finishReason: 'length' });
    expect(server.requests[0]?.body).toMatchObject({
      max_tokens: 8,
      top_k: 40,
      min_p: 0.05,
      lora: [{ id: 1, scale: 1 }],
    });
    const reasoned = await model.complete(question);
    expect(reasoned).toMatchObject({
      text: '4',
      thoughts: '2+2',
      finishReason: 'stop',
      usage: { promptTokens: 0, completionTokens: 0 },
    });
    expect(reasoned.warnings).toEqual(['the server reported no token usage; counted as 0']);
  });
});
