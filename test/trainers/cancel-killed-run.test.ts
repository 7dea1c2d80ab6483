/**
 * `maft cancel` after a real kill: `maft finetune` (the train stage `maft run` runs) with `trainer.kind: together`
 * as a child process, SIGKILLed while its jobs are held at `running` by the loopback Together server (written from
 * Together's published contract); then `maft cancel` stops exactly those jobs, and `maft finetune` again trains
 * each cancelled model once more — no re-attaching to a cancelled job, no second job for a model that finished.
 * The run is hand-made (test/helpers/hand-made-run.ts: five known debates, no model inference).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistry, type RegistryEntry } from '../../src/finetune/model-registry.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';
import { handMadeRun } from '../helpers/hand-made-run.js';
import { startLoopbackTogether, type LoopbackTogether } from '../helpers/loopback-together.js';
import { cliCommand } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';

const key = 'together-loopback-kill';
let server: LoopbackTogether;
let directory: string;
let run: string;

const registry = (): RegistryEntry[] => {
  try {
    return parseRegistry(readFileSync(path.join(run, 'artifacts/models/registry.json'), 'utf8')).entries;
  } catch {
    return []; // not written yet, or being replaced this instant
  }
};

/** `maft finetune <run>` as a child, SIGKILLed once `killWhen` holds (polled). */
function finetuneKilledWhen(killWhen: () => boolean): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const [executable, ...prefix] = cliCommand();
  return new Promise((resolve) => {
    const child = spawn(executable as string, [...prefix, 'finetune', run], {
      env: { ...process.env, MAFT_TEST_TOGETHER_KEY: key },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setInterval(() => {
      if (killWhen()) child.kill('SIGKILL');
    }, 100);
    child.on('close', (_status, signal) => {
      clearInterval(timer);
      resolve({ signal, stderr });
    });
  });
}

beforeAll(async () => {
  process.env.MAFT_TEST_TOGETHER_KEY = key;
  server = await startLoopbackTogether({ apiKey: key });
  directory = mkdtempSync(path.join(tmpdir(), 'maft-cancel-kill-'));
  run = await handMadeRun(
    path.join(directory, 'run'),
    {
      methods: ['multiagent-ft'],
      iterations: 1,
      split: { finetuneCount: 5, evalCount: 2 },
      finetune: { criticMix: 'all' },
      backend: { kind: 'openai', baseUrl: server.baseUrl, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' },
      trainer: {
        kind: 'together',
        baseUrl: server.baseUrl,
        apiKeyEnv: 'MAFT_TEST_TOGETHER_KEY',
        pollSeconds: 0.05,
        maxPollSeconds: 0.2,
      },
    },
    fiveDebates(),
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('maft cancel on a run killed while its Together jobs train', () => {
  it('cancels exactly the killed run’s jobs; the next maft finetune trains each of those models once more', async () => {
    const built = await runInProcess(['build-data', run]);
    expect(built.status, built.stderr).toBe(0);

    server.hold(true);
    const trainable = () => registry().filter((entry) => entry.status !== 'skipped');
    const killed = await finetuneKilledWhen(
      () => trainable().length > 0 && trainable().every((entry) => entry.status === 'running'),
    );
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const atKill = trainable();
    expect(atKill.length).toBeGreaterThanOrEqual(2);
    expect(server.jobs.map((job) => job.id).sort()).toEqual(atKill.map((entry) => entry.jobId).sort());
    expect(server.jobs.every((job) => job.status === 'running')).toBe(true);

    const cancelled = await runInProcess(['cancel', run, '--json']);
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stderr).toMatch(/took over the lock of pid \d+/); // the killed process's
    const outcome = JSON.parse(cancelled.stdout) as { counts: { cancelled: number } };
    expect(outcome.counts.cancelled).toBe(atKill.length);
    expect(server.requests.filter((request) => request.endsWith('/cancel')).sort()).toEqual(
      atKill.map((entry) => `POST /v1/fine-tunes/${entry.jobId}/cancel`).sort(),
    );
    expect(server.jobs.every((job) => job.status === 'cancelled')).toBe(true);
    expect(trainable().map((entry) => [entry.status, entry.reason])).toEqual(
      atKill.map(() => ['cancelled', 'cancelled by maft cancel']),
    );

    server.hold(false);
    const resumed = await runInProcess(['finetune', run]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/re-attached|found job/);
    expect(server.jobs).toHaveLength(2 * atKill.length); // one new job per cancelled model, none twice
    expect(trainable().map((entry) => entry.status)).toEqual(atKill.map(() => 'succeeded'));
    const cancelledIds = new Set(atKill.map((entry) => entry.jobId));
    for (const entry of trainable()) expect(cancelledIds.has(entry.jobId)).toBe(false);
    const again = await runInProcess(['finetune', run]);
    expect(again.status, again.stderr).toBe(0);
    expect(server.jobs).toHaveLength(2 * atKill.length);
  });
});
