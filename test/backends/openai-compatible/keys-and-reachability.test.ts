// The API key travels only in the Authorization header; an unreachable server fails fast and clearly, while a
// server that answered before and restarts is waited for.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleModel } from '../../../src/backends/openai-compatible/index.js';
import { isMaftError, type MaftError } from '../../../src/errors/maft-error.js';
import { startFaultServer, type FaultServer } from '../../helpers/fault-server.js';

const secret = 'sk-test-DO-NOT-LEAK-4f9a2c';
const question = { messages: [{ role: 'user' as const, content: 'hi' }] };
const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(...args: Parameters<typeof startFaultServer>): Promise<FaultServer> {
  const server = await startFaultServer(...args);
  servers.push(server);
  return server;
}

async function failure(promise: Promise<unknown>): Promise<MaftError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isMaftError(error)) throw new Error(`expected a MaftError, got ${String(error)}`);
  return error;
}

/** A loopback port with nothing listening: bind one, then close it. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the API key', () => {
  it('is read from the named variable and sent as the Authorization header; a missing one sends a placeholder', async () => {
    const server = await serve();
    const keyed = createOpenAiCompatibleModel({
      baseURL: server.baseURL,
      model: 'm',
      apiKeyEnv: 'MAFT_TEST_KEY',
      env: { MAFT_TEST_KEY: secret },
    });
    const keyless = createOpenAiCompatibleModel({ baseURL: server.baseURL, model: 'm', env: {} });
    await keyed.complete(question);
    await keyless.complete(question);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${secret}`,
      'Bearer no-key',
    ]);
    expect(keyed.id).not.toContain(secret);
  });

  it('appears in no error, not even when the server echoes it back', async () => {
    const echo = JSON.stringify({ error: { message: `invalid key Bearer ${secret}` } });
    const server = await serve({
      script: [{ kind: 'status', status: 401, body: echo }],
      fallback: { kind: 'status', status: 500, body: echo },
    });
    const model = createOpenAiCompatibleModel({
      baseURL: server.baseURL,
      model: 'm',
      apiKeyEnv: 'MAFT_TEST_KEY',
      env: { MAFT_TEST_KEY: secret },
      maxRetries: 1,
      initialBackoffMs: 1,
    });
    const unauthorised = await failure(model.complete(question));
    const exhausted = await failure(model.complete(question));
    expect(unauthorised.message).toBe(
      `POST ${server.baseURL}/chat/completions: 401 invalid key Bearer [redacted] (the key comes from $MAFT_TEST_KEY, which is set)`,
    );
    expect(exhausted.message).toMatch(/failed after 2 attempts: 500 invalid key Bearer \[redacted\]$/);
    for (const error of [unauthorised, exhausted]) {
      for (const rendering of [
        error.message,
        error.toOneLine(),
        String(error),
        error.stack ?? '',
        inspect(error, { depth: Infinity, showHidden: true }),
        JSON.stringify(error),
      ]) {
        expect(rendering).not.toContain(secret);
      }
    }
  });
});

describe('reachability', () => {
  it('fails fast, in one line, when nothing listens at the URL (default retry policy)', async () => {
    const port = await freePort();
    const model = createOpenAiCompatibleModel({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', env: {} });
    const started = performance.now();
    const error = await failure(model.complete(question));
    // The default policy (6 retries from 500 ms) would take over 20 s if a refused connection were retried.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe('ENDPOINT_UNREACHABLE');
    expect(error.toOneLine()).toBe(`cannot reach http://127.0.0.1:${port}/v1 (ECONNREFUSED); is the server running?`);
  });

  it('waits for a server that answered before and is restarting', async () => {
    const first = await startFaultServer();
    const model = createOpenAiCompatibleModel({
      baseURL: first.baseURL,
      model: 'm',
      env: {},
      initialBackoffMs: 50,
      maxBackoffMs: 100,
    });
    await model.complete(question);
    await first.close();
    const pending = model.complete({ messages: [{ role: 'user', content: 'after the restart' }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await serve({ port: first.port });
    expect((await pending).text).toBe('echo: after the restart');
    expect(second.requests).toHaveLength(1);
  });
});
