/**
 * Trainer `together` against a loopback server written from Together's published contract
 * (test/helpers/loopback-together.ts): its upload flow, the LoRA job it received, statuses through to
 * `model_output_name`, re-finding a job created before a crash (by suffix), a provider-side `error`, 429s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/config/run-config.js';
import { runDurableJobs, type DurableJob } from '../../src/finetune/durable-jobs.js';
import { readRunRegistry } from '../../src/finetune/finetune-jobs.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { Run } from '../../src/run-store/run.js';
import { openTrainer } from '../../src/trainers/open-trainer.js';
import { chatLineProblem } from '../helpers/loopback-openai-finetuning.js';
import { startLoopbackTogether, togetherRunConfig, type LoopbackTogether } from '../helpers/loopback-together.js';
import { trainingJob } from '../helpers/training-rows.js';

const key = 'together-loopback-key';
let server: LoopbackTogether;
let directory: string;
let run: Run<RunConfig>;
let config: RunConfig;
const lines: string[] = [];

const job = (agent: number, count: number): DurableJob => trainingJob(agent, 'critic', count);

const train = (jobs: DurableJob[], overrides: Partial<Parameters<typeof runDurableJobs>[2]> = {}) => {
  const opened = openTrainer(
    config as never,
    (name) => run.artifactPath(name),
    () => readRunRegistry(run),
  );
  return runDurableJobs(run, jobs, { ...opened, log: (line) => lines.push(line), ...overrides });
};

beforeEach(async () => {
  process.env.MAFT_TEST_TOGETHER_KEY = key;
  server = await startLoopbackTogether({ apiKey: key });
  directory = mkdtempSync(path.join(tmpdir(), 'maft-together-jobs-'));
  lines.length = 0;
  config = await togetherRunConfig(server.baseUrl);
  run = openRun(directory, config, { command: ['test'], notify: () => {} });
});

afterEach(async () => {
  run.close();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the together trainer', () => {
  it('uploads through the signed URL, asks for LoRA with the loss on completions only, and records model_output_name', async () => {
    server.inject429(2);
    const outcome = await train([job(0, 3), job(1, 2)]);
    expect(outcome.failed).toEqual([]);
    expect(server.jobs).toHaveLength(2);
    for (const file of server.files.values()) {
      expect(file.fileType).toBe('jsonl');
      for (const line of file.lines ?? []) expect(chatLineProblem(line)).toBeUndefined();
    }
    expect(server.jobs[0]?.request).toMatchObject({
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      n_epochs: 2,
      learning_rate: 1e-5,
      batch_size: 'max',
      training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
      training_method: { method: 'sft', train_on_inputs: false },
    });
    expect(readRunRegistry(run).entries.map((entry) => entry.servedModel)).toEqual(
      server.jobs.map((created) => created.model_output_name),
    );
    expect(readRunRegistry(run).entries.map((entry) => entry.providerStatus)).toEqual(['completed', 'completed']);
  });

  it('finds a job created before a crash by its suffix instead of creating a second one', async () => {
    await expect(
      train([job(0, 3)], {
        crash: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    await train([job(0, 3)]);
    expect(server.jobs).toHaveLength(1);
    expect(readRunRegistry(run).entries[0]?.status).toBe('succeeded');
  });

  it('records a job that ends in `error` on the provider’s side', async () => {
    server.failWhen((created) => created.training_file === 'file-1');
    const outcome = await train([job(0, 3), job(1, 3)]);
    expect(outcome.failed.map((entry) => [entry.agent, entry.reason])).toEqual([
      [0, expect.stringMatching(/failed on the provider's side: Training failed: loss became NaN/)],
    ]);
  });
});
