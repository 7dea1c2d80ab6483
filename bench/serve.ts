/**
 * `maft serve` under load on loopback: R requests from C concurrent clients (the official openai SDK) against
 * createSocietyServer on a node:http server — throughput, p50/p99 latency, and a check that every answer
 * arrived exactly once and belongs to its request (each request asks its own question with its own seed, and
 * the answer's `maft.question`/`maft.seed` must match; ids must be unique). Then the same with a share of the
 * clients disconnecting early (queued or mid-debate): the others must still all be
 * answered, the server's request log must hold every request once with the right outcome, and the engine must
 * end with no generation running. A leaving client aborts after a seeded random share (5–100%) of the first
 * phase's median latency, so some leave while queued and some mid-debate, whatever the backend's speed.
 *   npm run bench:serve -- [--requests 200] [--clients 16] [--disconnect 0.2] [--backend embedded|stub]
 *     [--server-concurrency 2] [--max-tokens 32] [--threads 1] [--delay 20]
 * embedded: the shipped arithmetic model, 3 agents × 2 rounds (9 calls a request), llama.cpp on --threads.
 * stub: every model call answered by a loopback OpenAI-compatible stub after --delay ms: the serving layer's own cost.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import OpenAI from 'openai';
import { shippedBaseModel } from '../src/config/resolve-run-config.js';
import type { DebateExtension } from '../src/serve/debate-answer.js';
import type { RequestLogEntry } from '../src/serve/request-log.js';
import { createSocietyServer } from '../src/serve/society-server.js';
import { startFaultServer } from '../test/helpers/fault-server.js';
import { scratchDirectory } from './scratch-directory.js';

const flag = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const requests = Number(flag('requests', '200'));
const clients = Number(flag('clients', '16'));
const disconnectShare = Number(flag('disconnect', '0.2'));
const backendKind = flag('backend', 'embedded');
const serverConcurrency = Number(flag('server-concurrency', backendKind === 'stub' ? '16' : '2'));
const maxTokens = Number(flag('max-tokens', '32'));
const threads = Number(flag('threads', '1'));
const delayMs = Number(flag('delay', '20'));

const stub =
  backendKind === 'stub'
    ? await startFaultServer({ fallback: { kind: 'reply', delayMs, content: 'So the answer is \\boxed{7}.' } })
    : undefined;
const backend =
  stub !== undefined
    ? { kind: 'openai', baseUrl: stub.baseURL, model: 'stub', concurrency: 256, apiKeyEnv: 'MAFT_BENCH_UNSET' }
    : { kind: 'llama-cpp', model: shippedBaseModel, threads, contextSize: 1024 };
const configFile = path.join(scratchDirectory('serve'), 'config.json');
fs.writeFileSync(
  configFile,
  JSON.stringify({ task: { name: 'arithmetic', options: { max: 9 } }, sampling: { maxTokens }, backend }),
);

const log: RequestLogEntry[] = [];
const society = await createSocietyServer({
  target: configFile,
  concurrency: serverConcurrency,
  queueSize: Math.max(32, clients),
  log: (entry) => log.push(entry),
});
const server = http.createServer(society.handle);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseURL = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
const client = new OpenAI({ baseURL, apiKey: 'bench', maxRetries: 0, timeout: 600_000 });

const question = (index: number) =>
  `What is the result of ${index % 10}+${(index >> 1) % 10}*${(index >> 2) % 10}+${(index >> 3) % 10}-${(index >> 4) % 10}*${(index >> 5) % 10}?`;
/** Seeded per request, so a run of the benchmark is repeatable (which requests disconnect, and when). */
const shuffle = (index: number) => ((Math.imul(index + 1, 2654435761) >>> 0) % 10_000) / 10_000;

interface Outcome {
  index: number;
  ms: number;
  kind: 'answered' | 'disconnected' | 'failed';
  id?: string;
  problem?: string;
}

/** Runs one phase; returns the median latency of the answered requests (ms). */
async function phase(label: string, share: number, leaveWithinMs: number): Promise<number> {
  log.length = 0;
  const outcomes: Outcome[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let index = next++; index < requests; index = next++) {
      const leaves = shuffle(index) < share;
      const controller = new AbortController();
      const timer = leaves
        ? setTimeout(() => controller.abort(), leaveWithinMs * (0.05 + 0.95 * shuffle(index + requests)))
        : undefined;
      const sent = performance.now();
      try {
        const completion = await client.chat.completions.create(
          { model: 'society', messages: [{ role: 'user', content: question(index) }], seed: index },
          { signal: controller.signal },
        );
        const debate = (completion as unknown as { maft: DebateExtension }).maft;
        const mine = debate.question === question(index) && debate.seed === index;
        outcomes.push({ index, ms: performance.now() - sent, kind: mine ? 'answered' : 'failed', id: completion.id });
      } catch (error) {
        outcomes.push({
          index,
          ms: performance.now() - sent,
          kind: controller.signal.aborted ? 'disconnected' : 'failed',
          problem: String(error),
        });
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  // The server logs a cancelled request once its work has stopped: wait for every line.
  const deadline = Date.now() + 60_000;
  while (log.length < requests && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const answered = outcomes.filter((outcome) => outcome.kind === 'answered');
  const latencies = answered.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  const ids = new Set(answered.map((outcome) => outcome.id));
  const expectedAnswered = outcomes.filter((outcome) => outcome.kind !== 'disconnected').length;
  const loggedOk = log.filter((entry) => entry.outcome === 'ok').length;
  const loggedClosed = log.filter((entry) => entry.outcome === 'client_closed').length;
  const disconnected = outcomes.filter((outcome) => outcome.kind === 'disconnected').length;
  const calls = log.reduce((total, entry) => total + (entry.calls ?? 0), 0);
  const cancelled = log.filter((entry) => entry.outcome === 'client_closed');
  const midDebate = cancelled.filter((entry) => (entry.queue_ms ?? -1) >= 0);
  const cancelledCalls = cancelled.reduce((total, entry) => total + (entry.calls ?? 0), 0);
  console.log(`\n${label}: ${requests} requests from ${clients} clients, ${disconnected} disconnected early`);
  console.log(
    `  wall ${seconds.toFixed(1)} s; throughput ${(answered.length / seconds).toFixed(2)} answers/s; latency p50 ${(percentile(0.5) / 1000).toFixed(2)} s, p99 ${(percentile(0.99) / 1000).toFixed(2)} s`,
  );
  console.log(
    `  answered ${answered.length}/${expectedAnswered} (lost ${expectedAnswered - answered.length}), duplicated ids ${answered.length - ids.size}, failed ${outcomes.filter((outcome) => outcome.kind === 'failed').length}`,
  );
  console.log(
    `  server log: ${log.length} lines (${loggedOk} ok, ${loggedClosed} client_closed, ${log.length - loggedOk - loggedClosed} other); ${calls} model calls`,
  );
  if (cancelled.length > 0)
    console.log(
      `  cancelled: ${cancelled.length - midDebate.length} while queued, ${midDebate.length} after starting (${cancelledCalls} calls finished before they stopped)`,
    );
  const stats = society.stats();
  console.log(
    `  after: running ${stats.running}, queued ${stats.queued}, generations in flight ${stats.activeGenerations ?? 'n/a (HTTP backend)'}`,
  );
  const first = outcomes.find((outcome) => outcome.kind === 'failed');
  if (first !== undefined) console.log(`  first failure: ${first.problem ?? 'answer of another request'}`);
  return percentile(0.5);
}

console.log(
  `maft serve benchmark: backend ${backendKind}${backendKind === 'stub' ? ` (${delayMs} ms a call)` : ` (shipped model, ${threads} thread(s), max_tokens ${maxTokens})`}, 3 agents × 2 rounds, server concurrency ${serverConcurrency}`,
);
const median = await phase('all clients stay', 0, 0);
await phase(`${Math.round(disconnectShare * 100)}% of clients disconnect early`, disconnectShare, median);
await society.close();
server.closeAllConnections();
server.close();
await stub?.close();
