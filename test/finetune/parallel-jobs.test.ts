/**
 * The embedded trainer's jobs side by side (trainer.parallelJobs), on a real tiny model and real child processes:
 * - two at once train the same adapters, byte for byte, and the same loss curves as one after another, and
 *   really run together (both recorded `running` before either reports a step);
 * - the job with the most steps starts first (longest first), the last in the list here;
 * - a job that fails is recorded `failed` while its sibling runs to its end and is recorded `succeeded`;
 * - an error of the stage itself stops new jobs, lets the running one finish and be recorded, then is thrown;
 *   the next call keeps the finished jobs and trains only the rest (a killed run's resume).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import {
  runFinetuneJobs,
  readRunRegistry,
  type FinetuneJob,
  type TrainerSettings,
} from '../../src/finetune/finetune-jobs.js';
import { adapterArtifact, registryArtifact, type ModelRegistry } from '../../src/finetune/model-registry.js';
import { defaultParallelJobs } from '../../src/finetune/parallel-jobs.js';
import { additionRow } from './addition-row.js';
import type { TrainingProgress } from '../../src/trainer/training-plan.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { Run } from '../../src/run-store/run.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('parallel-jobs');
let modelPath: string;
let runs = 0;
const newRun = () => openRun(path.join(directory, `run-${runs++}`), { test: 'parallel-jobs' }, { command: ['test'] });

const row = additionRow;
const jobs: FinetuneJob[] = [0, 1, 2].map((agent) => ({
  method: 'multiagent-ft',
  iteration: 1,
  agent,
  role: 'generator',
  rows: Array.from({ length: 4 + 4 * agent }, (_, index) => row(index + agent, 2 * index + 1, agent)),
}));
const settings: TrainerSettings = {
  rank: 4,
  alpha: 8,
  epochs: 2,
  learningRate: 1e-3,
  warmupShare: 0,
  windowLength: 128,
  windowsPerStep: 1,
  threads: 1,
  seed: 5,
};
const adapters = (run: Run<unknown>, list: readonly FinetuneJob[]) =>
  list.map((job) => readFileSync(run.artifactPath(adapterArtifact(job))));
const registryOnDisk = (run: Run<unknown>) =>
  JSON.parse(readFileSync(run.artifactPath(registryArtifact), 'utf8')) as ModelRegistry;
/** The stage's call with this file's model and settings: `list` trained `parallelJobs` at once. */
const train = (
  run: Run<unknown>,
  list: readonly FinetuneJob[],
  parallelJobs = 1,
  onProgress: (label: string, progress: TrainingProgress) => void = () => {},
) => runFinetuneJobs(run, modelPath, list, settings, onProgress, { parallelJobs });
/** The labels of the jobs in the order they train their first step (their start order, one at a time). */
const firstSteps = (labels: string[]) => (label: string, progress: TrainingProgress) => {
  if (progress.step === 1) labels.push(label);
};

beforeAll(async () => {
  modelPath = path.join(directory, 'tiny.gguf');
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 3 }));
});

describe('trainer.parallelJobs', () => {
  it('defaults to one job per core divided by threads, at least one', () => {
    expect(defaultParallelJobs(1, 2)).toBe(2);
    expect(defaultParallelJobs(2, 2)).toBe(1);
    expect(defaultParallelJobs(4, 2)).toBe(1);
    expect(defaultParallelJobs(2, 16)).toBe(8);
  });

  it('two jobs at once train the same adapters, byte for byte, and the same losses as one after another', async () => {
    const serial = newRun();
    const started: string[] = [];
    const serialOutcome = await train(serial, jobs, 1, firstSteps(started));
    const parallel = newRun();
    const runningAtFirstStep: number[] = [];
    const parallelOutcome = await train(parallel, jobs, 2, () => {
      if (runningAtFirstStep.length === 0)
        runningAtFirstStep.push(registryOnDisk(parallel).entries.filter((e) => e.status === 'running').length);
    });
    // Both workers record their job `running` before either child trains a step: two children at once.
    expect(runningAtFirstStep).toEqual([2]);
    expect(serialOutcome.failed).toEqual([]);
    expect(parallelOutcome.failed).toEqual([]);
    expect(parallelOutcome.entries.map((entry) => entry.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(adapters(parallel, jobs)).toEqual(adapters(serial, jobs));
    const curves = (outcome: typeof serialOutcome) =>
      outcome.entries.map((entry) => ({ steps: entry.result?.steps, losses: entry.result?.losses }));
    expect(curves(parallelOutcome)).toEqual(curves(serialOutcome));
    expect(curves(serialOutcome)[0]?.steps).toBeGreaterThan(0);
    // Longest first: the most steps (all jobs share one window shape) started first, though it is last in the list;
    // the returned entries stay in list order.
    const steps = serialOutcome.entries.map((entry) => entry.result?.steps ?? 0);
    expect(steps[2]).toBeGreaterThan(steps[1] ?? 0);
    expect(steps[1]).toBeGreaterThan(steps[0] ?? 0);
    expect(started).toEqual([2, 1, 0].map((agent) => `multiagent-ft iteration 1 agent ${agent} generator`));
    expect(serialOutcome.entries.map((entry) => entry.agent)).toEqual([0, 1, 2]);
    // The registry on disk holds every job, each written whole by serialised writes.
    expect(readRunRegistry(parallel).entries.map((entry) => entry.agent)).toEqual([0, 1, 2]);
    serial.close();
    parallel.close();
  });

  it('a failing job is recorded failed while its sibling finishes and is recorded succeeded', async () => {
    const run = newRun();
    writeFileSync(run.artifactPath('models/broken.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(64, 0xff)]));
    const list: FinetuneJob[] = [
      { ...(jobs[0] as FinetuneJob), initialAdapter: 'models/broken.gguf' },
      jobs[1] as FinetuneJob,
    ];
    const outcome = await train(run, list, 2);
    expect(outcome.entries.map((entry) => entry.status)).toEqual(['failed', 'succeeded']);
    expect(outcome.failed.map((entry) => entry.agent)).toEqual([0]);
    expect(outcome.failed[0]?.reason?.split('\n')).toHaveLength(1);
    // The sibling's adapter is the one it trains alone.
    const alone = newRun();
    await train(alone, [jobs[1] as FinetuneJob]);
    expect(adapters(run, [jobs[1] as FinetuneJob])).toEqual(adapters(alone, [jobs[1] as FinetuneJob]));
    run.close();
    alone.close();
  });

  it('an error of the stage lets the running job finish and be recorded, then a re-run trains only the rest', async () => {
    const run = newRun();
    // The second job's plan file cannot be written (a directory stands where it goes): the stage itself fails.
    const planPath = run.artifactPath(
      `jobs/${adapterArtifact(jobs[1] as FinetuneJob).replace(/\.gguf$/, '.plan.json')}`,
    );
    mkdirSync(path.join(planPath, 'in-the-way'), { recursive: true });
    await expect(train(run, jobs, 2)).rejects.toThrow();
    // Longest first: agent 2's job started, then agent 1's failed to; agent 0's never started.
    const after = readRunRegistry(run).entries;
    expect(after.find((entry) => entry.agent === 2)?.status).toBe('succeeded');
    // Nothing but the broken job is left `running` (what a killed run leaves: it is trained again next time).
    expect(after.filter((entry) => entry.status === 'running').map((entry) => entry.agent)).toEqual([1]);
    expect(after.find((entry) => entry.agent === 0)).toBeUndefined();
    const kept = after.find((entry) => entry.agent === 2)?.updatedAt;

    rmSync(planPath, { recursive: true });
    const trained: string[] = [];
    const outcome = await train(run, jobs, 2, firstSteps(trained));
    expect(outcome.failed).toEqual([]);
    expect(trained).not.toContain('multiagent-ft iteration 1 agent 2 generator');
    expect(trained.sort()).toEqual([0, 1].map((agent) => `multiagent-ft iteration 1 agent ${agent} generator`));
    expect(outcome.entries.find((entry) => entry.agent === 2)?.updatedAt).toBe(kept);
    const reference = newRun();
    await train(reference, jobs);
    expect(adapters(run, jobs)).toEqual(adapters(reference, jobs));
    run.close();
    reference.close();
  });
});
