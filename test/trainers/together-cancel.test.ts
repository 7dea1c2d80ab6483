/**
 * `maft cancel` with the together trainer, against the loopback Together server (test/helpers/loopback-together.ts,
 * written from Together's published contract): a stopped run's jobs are cancelled at the provider
 * (`POST /fine-tunes/{id}/cancel`) and recorded; the retrain's new job carries the cancelled one's suffix, and a run
 * killed right after creating it finds the new job by that suffix, never the cancelled one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/config/run-config.js';
import { runDurableJobs, type DurableJob } from '../../src/finetune/durable-jobs.js';
import { readRunRegistry } from '../../src/finetune/finetune-jobs.js';
import { parseRegistry } from '../../src/finetune/model-registry.js';
import { openRun } from '../../src/run-store/open-run.js';
import { openTrainer } from '../../src/trainers/open-trainer.js';
import { startLoopbackTogether, togetherRunConfig, type LoopbackTogether } from '../helpers/loopback-together.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { trainingJob } from '../helpers/training-rows.js';

const key = 'together-loopback-cancel';
let server: LoopbackTogether;
let directory: string;
let config: RunConfig;
const lines: string[] = [];

const job = (agent: number): DurableJob => trainingJob(agent, 'generator', 3);

/** One train stage of `maft run` on the run directory, in its own open/close (a process of its own). */
async function train(jobs: DurableJob[], overrides: Partial<Parameters<typeof runDurableJobs>[2]> = {}) {
  const run = openRun(directory, config, { command: ['test'], notify: () => {} });
  try {
    const opened = openTrainer(
      config as never,
      (name) => run.artifactPath(name),
      () => readRunRegistry(run),
    );
    return await runDurableJobs(run, jobs, { ...opened, log: (line) => lines.push(line), ...overrides });
  } finally {
    run.close();
  }
}

const entries = () =>
  parseRegistry(readFileSync(path.join(directory, 'artifacts/models/registry.json'), 'utf8')).entries;

beforeEach(async () => {
  process.env.MAFT_TEST_TOGETHER_KEY = key;
  server = await startLoopbackTogether({ apiKey: key });
  directory = mkdtempSync(path.join(tmpdir(), 'maft-together-cancel-'));
  lines.length = 0;
  config = await togetherRunConfig(server.baseUrl);
});

afterEach(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('maft cancel with the together trainer', () => {
  it('cancels a stopped run’s jobs; the retrain finds its own new job by suffix, never the cancelled one', async () => {
    server.hold(true);
    await expect(
      train([job(0), job(1)], {
        trainer: {
          ...openTrainer(
            config as never,
            () => '',
            () => ({ entries: [] }),
          ).trainer,
          status: async () => {
            throw new Error('the process was stopped');
          },
        },
      }),
    ).rejects.toThrow(/stopped/);
    const first = server.jobs.map((created) => created.id);
    expect(entries().map((entry) => entry.status)).toEqual(['pending', 'pending']);

    const result = await runInProcess(['cancel', directory, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as { jobs: { jobId: string; action: string }[] };
    expect(outcome.jobs.map((each) => [each.jobId, each.action])).toEqual(first.map((id) => [id, 'cancelled']));
    expect(server.jobs.map((created) => created.status)).toEqual(['cancelled', 'cancelled']);
    expect(entries().map((entry) => [entry.status, entry.reason])).toEqual([
      ['cancelled', 'cancelled by maft cancel'],
      ['cancelled', 'cancelled by maft cancel'],
    ]);

    // The retrain is killed right after creating agent 0's new job, before recording its id.
    server.hold(false);
    await expect(
      train([job(0), job(1)], {
        crash: () => {
          throw new Error('killed between create and record');
        },
      }),
    ).rejects.toThrow(/killed/);
    const retrained = server.jobs[2]?.id;
    expect(entries()[0]?.status).toBe('starting');
    const outcomeOfResume = await train([job(0), job(1)]);
    expect(outcomeOfResume.failed).toEqual([]);
    expect(server.jobs).toHaveLength(4); // two cancelled, one new job per model
    expect(entries().map((entry) => entry.status)).toEqual(['succeeded', 'succeeded']);
    expect(entries()[0]?.jobId).toBe(retrained);
    expect(lines.some((line) => line.includes(`found job ${retrained}, created before the last run stopped`))).toBe(
      true,
    );
  });
});
