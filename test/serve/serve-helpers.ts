/**
 * A society server on the shipped arithmetic model for the serve tests: createSocietyServer on a loopback
 * node:http server (port 0), one llama.cpp thread, and an official `openai` SDK client pointed at it.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';
import type { RequestLogEntry } from '../../src/serve/request-log.js';
import { createSocietyServer, type SocietyServer, type SocietyServerOptions } from '../../src/serve/society-server.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

export interface TestServer {
  society: SocietyServer;
  baseURL: string;
  log: RequestLogEntry[];
  client(options?: { apiKey?: string }): OpenAI;
  close(): Promise<void>;
}

/**
 * Where writeTestConfig writes: one directory per test file that imports this module (vitest evaluates it anew
 * for each file), removed after that file's tests, whichever test or hook wrote the config.
 */
const scratch = temporaryDirectory('serve');

/** A `maft run` config on the shipped model (arithmetic 0..9, 1 thread), with society and sampling overrides. */
export function writeTestConfig(
  overrides: {
    society?: Record<string, unknown>;
    sampling?: Record<string, unknown>;
    backend?: Record<string, unknown>;
  } = {},
): string {
  const directory = fs.mkdtempSync(path.join(scratch, 'config-'));
  const file = path.join(directory, 'config.json');
  const config = {
    task: { name: 'arithmetic', options: { max: 9 } },
    society: { agents: 3, rounds: 2, ...overrides.society },
    sampling: { maxTokens: 160, ...overrides.sampling },
    backend: overrides.backend ?? { kind: 'llama-cpp', model: shippedBaseModel, threads: 1, contextSize: 1024 },
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

export async function startTestServer(options: SocietyServerOptions = {}): Promise<TestServer> {
  const log: RequestLogEntry[] = [];
  const society = await createSocietyServer({
    target: writeTestConfig(),
    threads: 1,
    ...options,
    log: (entry) => log.push(entry),
  });
  const server = http.createServer(society.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const baseURL = `http://127.0.0.1:${port}/v1`;
  return {
    society,
    baseURL,
    log,
    client: ({ apiKey = 'unused' } = {}) => new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 600_000 }),
    close: async () => {
      await society.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Wait until `condition` holds (polling every 20 ms); `timeoutMs` only guards against a hang. */
export async function waitFor(condition: () => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const arithmeticQuestion = 'What is the result of 3+4*2+1-2*3?';
