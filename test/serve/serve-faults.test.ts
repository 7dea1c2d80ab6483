/**
 * `maft serve` under load and faults, on the shipped model through the openai SDK: a client that leaves
 * mid-debate stops its generations in the engine, a full queue is 429 with Retry-After, close() lets admitted
 * requests finish while new ones get 503, and a wrong API key is 401.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultServer } from '../helpers/fault-server.js';
import { arithmeticQuestion, startTestServer, waitFor, writeTestConfig, type TestServer } from './serve-helpers.js';

const question = [{ role: 'user' as const, content: arithmeticQuestion }];
let served: TestServer | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('maft serve under faults', () => {
  it('a client that disconnects mid-debate stops the debate: its generations end, no later call starts', async () => {
    // 8 agents × 3 rounds: 8 + 2 × (8 replies + 8 summaries) = 40 calls, seconds of work; the client leaves after one reply.
    served = await startTestServer({ target: writeTestConfig({ society: { agents: 8, rounds: 3 } }) });
    const server = served;
    const controller = new AbortController();
    const stream = await server
      .client()
      .chat.completions.create({ model: 'society', messages: question, stream: true }, { signal: controller.signal });
    let replies = 0;
    for await (const chunk of stream) {
      if ((chunk as { maft?: { event?: string } }).maft?.event === 'reply' && ++replies === 1) controller.abort();
    }
    await waitFor(() => server.log.some((entry) => entry.model === 'society'));
    const entry = server.log.find((logged) => logged.model === 'society')!;
    expect(entry).toMatchObject({ outcome: 'client_closed', status: 499 });
    expect(entry.calls).toBeLessThan(40);
    // The request's work has stopped: nothing generates, nothing runs or waits, and it stays so.
    await waitFor(() => server.society.stats().activeGenerations === 0);
    expect(server.society.stats()).toMatchObject({ running: 0, queued: 0, activeGenerations: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.society.stats().activeGenerations).toBe(0);
  });

  it('over the HTTP backend too: a client that leaves cancels the requests its agents have in flight upstream', async () => {
    // The upstream server never answers: only a cancelled request ever leaves it.
    const upstream = await startFaultServer({ fallback: { kind: 'hang' } });
    try {
      served = await startTestServer({
        target: writeTestConfig({
          backend: { kind: 'openai', baseUrl: upstream.baseURL, model: 'upstream', apiKeyEnv: 'MAFT_TEST_UNSET_KEY' },
        }),
      });
      const controller = new AbortController();
      const stream = await served
        .client()
        .chat.completions.create({ model: 'society', messages: question, stream: true }, { signal: controller.signal });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next(); // start
      await waitFor(() => upstream.inFlight === 3); // round 1: the three generators
      controller.abort();
      await iterator.next().catch(() => undefined);
      await waitFor(() => upstream.inFlight === 0);
      const server = served;
      await waitFor(() => server.log.some((entry) => entry.model === 'society'));
      expect(server.log.find((entry) => entry.model === 'society')).toMatchObject({
        outcome: 'client_closed',
        calls: 0,
      });
      expect(upstream.requests).toHaveLength(3);
    } finally {
      await served?.close();
      served = undefined;
      await upstream.close();
    }
  });

  it('a request past its timeout is cancelled: 504, and its generations stop', async () => {
    served = await startTestServer({ target: writeTestConfig({ society: { agents: 8, rounds: 3 } }), timeoutMs: 300 });
    const server = served;
    const error = await server
      .client()
      .chat.completions.create({ model: 'society', messages: question })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 504, code: 'timeout' });
    expect(server.log.at(-1)).toMatchObject({ outcome: 'timeout', status: 504 });
    expect(server.log.at(-1)?.calls).toBeLessThan(40);
    await waitFor(() => server.society.stats().activeGenerations === 0);
    expect(server.society.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('past the queue: 429 with Retry-After; the admitted request still answers', async () => {
    served = await startTestServer({ concurrency: 1, queueSize: 0 });
    const server = served;
    const stream = await server
      .client()
      .chat.completions.create({ model: 'society', messages: question, stream: true, seed: 3 });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // the `start` event: the first request holds the only slot
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'society', messages: question }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    let finish: string | null | undefined;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      finish ??= next.value.choices[0]?.finish_reason;
    expect(finish).toMatch(/stop|length/);
  });

  it('close(): admitted requests finish, new ones get 503', async () => {
    served = await startTestServer();
    const server = served;
    const stream = await server
      .client()
      .chat.completions.create({ model: 'society', messages: question, stream: true, seed: 4 });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const closed = server.society.close();
    const refused = await server
      .client()
      .chat.completions.create({ model: 'society', messages: question })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, code: 'shutting_down' });
    let content = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      content += next.value.choices[0]?.delta.content ?? '';
    expect(content).toContain('\\boxed');
    await closed;
  });

  it('with an API key: a wrong or missing key is 401, the right one passes', async () => {
    served = await startTestServer({ apiKey: 'sk-right-key' });
    for (const apiKey of ['sk-wrong-key', 'sk-right-key-but-longer', 'sk-right-ke']) {
      const error = await served
        .client({ apiKey })
        .models.list()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
    }
    const plain = await fetch(`${served.baseURL}/models`);
    expect(plain.status).toBe(401);
    expect((await served.client({ apiKey: 'sk-right-key' }).models.list()).data.length).toBeGreaterThan(0);
  });

  it('CORS is off unless configured, then only for the listed origins', async () => {
    served = await startTestServer();
    const off = await fetch(`${served.baseURL}/models`, { headers: { Origin: 'https://example.org' } });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    await served.close();
    served = await startTestServer({ corsOrigins: ['https://app.example'] });
    const allowed = await fetch(`${served.baseURL}/models`, { headers: { Origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${served.baseURL}/models`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
