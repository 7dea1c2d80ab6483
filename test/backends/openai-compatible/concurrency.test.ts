// Concurrency is bounded per endpoint, shared by the models on one baseURL, and not held while backing off.
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleModel } from '../../../src/backends/openai-compatible/index.js';
import { startFaultServer, type FaultServer } from '../../helpers/fault-server.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('concurrency per endpoint', () => {
  it('never has more than the limit in flight: 20 requests, limit 4', async () => {
    server = await startFaultServer({ fallback: { kind: 'reply', delayMs: 60 } });
    const model = createOpenAiCompatibleModel({ baseURL: server.baseURL, model: 'm', concurrency: 4, env: {} });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) => model.complete(ask(`question ${index}`))),
    );
    expect(answers.map((answer) => answer.text)).toEqual(
      Array.from({ length: 20 }, (_, index) => `echo: question ${index}`),
    );
    expect(server.requests).toHaveLength(20);
    // Four really were in flight together (not one after another), and never more: what the limit means,
    // asserted without a clock (a wall-time bound fails on a loaded machine).
    expect(server.maxInFlight).toBe(4);
  });

  it('shares one limit between the models of one baseURL (the smallest asked for)', async () => {
    server = await startFaultServer({ fallback: { kind: 'reply', delayMs: 20 } });
    const agentA = createOpenAiCompatibleModel({
      baseURL: server.baseURL,
      model: 'adapter-a',
      concurrency: 4,
      env: {},
    });
    const agentB = createOpenAiCompatibleModel({
      baseURL: `${server.baseURL}/`,
      model: 'adapter-b',
      concurrency: 2,
      env: {},
    });
    await Promise.all(
      Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? agentA : agentB).complete(ask(`${index}`))),
    );
    expect(server.maxInFlight).toBe(2);
    expect(new Set(server.requests.map((request) => request.body.model))).toEqual(new Set(['adapter-a', 'adapter-b']));
  });

  it('frees the slot while a request waits out Retry-After', async () => {
    server = await startFaultServer({
      script: [{ kind: 'status', status: 429, headers: { 'retry-after-ms': '400' } }],
    });
    const model = createOpenAiCompatibleModel({ baseURL: server.baseURL, model: 'm', concurrency: 1, env: {} });
    const limited = model.complete(ask('rate limited'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = await model.complete(ask('other'));
    expect(other.text).toBe('echo: other');
    expect((await limited).text).toBe('echo: rate limited');
    expect(server.requests.map((request) => request.body.messages?.[0]?.content)).toEqual([
      'rate limited',
      'other',
      'rate limited',
    ]);
  });
});
