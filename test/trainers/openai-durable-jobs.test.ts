/**
 * Trainer `openai` as durable jobs against a loopback server written from OpenAI's published fine-tuning
 * contract (test/helpers/loopback-openai-finetuning.ts): the data it received, all jobs started before any is
 * awaited, re-attaching after a stop, the crash window between "create" and "record the id", skips below
 * OpenAI's minimum, a provider-side failure, a 400 for a bad file, injected 429s, an unreachable service.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import type { RunConfig } from '../../src/config/run-config.js';
import { runDurableJobs, type DurableJob } from '../../src/finetune/durable-jobs.js';
import { readRunRegistry } from '../../src/finetune/finetune-jobs.js';
import { MaftError } from '../../src/errors/maft-error.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { Run } from '../../src/run-store/run.js';
import { openTrainer } from '../../src/trainers/open-trainer.js';
import { chatLineProblem, startLoopbackOpenAi, type LoopbackOpenAi } from '../helpers/loopback-openai-finetuning.js';
import { trainingJob, type RowRole } from '../helpers/training-rows.js';

const key = 'sk-loopback-test';

const jobsOf = (counts: Record<string, number>, iteration = 1): DurableJob[] =>
  Object.entries(counts).map(([name, count]) => {
    const [agent, role] = name.split('-') as [string, RowRole];
    return trainingJob(Number(agent), role, count, iteration);
  });

let server: LoopbackOpenAi;
let directory: string;
let run: Run<RunConfig>;
let config: RunConfig;
const lines: string[] = [];

async function open(baseUrl: string): Promise<void> {
  const resolved = await resolveRunConfig(
    {
      task: { name: 'arithmetic', options: { max: 9 } },
      split: { finetuneCount: 4, evalCount: 4 },
      backend: { kind: 'openai', baseUrl, model: 'gpt-4o-mini-2024-07-18', apiKeyEnv: 'MAFT_TEST_OPENAI_KEY' },
      trainer: { kind: 'openai', baseUrl, apiKeyEnv: 'MAFT_TEST_OPENAI_KEY', pollSeconds: 0.01, maxPollSeconds: 0.05 },
      methods: ['multiagent-ft'],
      iterations: 1,
    },
    'test config',
  );
  config = resolved.config;
  run = openRun(directory, config, { command: ['test'], notify: () => {} });
}

const train = (jobs: DurableJob[], overrides: Partial<Parameters<typeof runDurableJobs>[2]> = {}) => {
  const opened = openTrainer(
    config as never,
    (name) => run.artifactPath(name),
    () => readRunRegistry(run),
  );
  return runDurableJobs(run, jobs, { ...opened, log: (line) => lines.push(line), ...overrides });
};

beforeEach(async () => {
  process.env.MAFT_TEST_OPENAI_KEY = key;
  server = await startLoopbackOpenAi({ apiKey: key });
  directory = mkdtempSync(path.join(tmpdir(), 'maft-openai-jobs-'));
  lines.length = 0;
  await open(server.baseUrl);
});

afterEach(async () => {
  run.close();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the openai trainer', () => {
  it('uploads contract-conforming chat rows, starts every job before awaiting any, and records the ft: ids', async () => {
    const outcome = await train(jobsOf({ '0-generator': 12, '0-critic': 11, '1-generator': 10 }));
    expect(outcome.failed).toEqual([]);
    expect(server.jobs).toHaveLength(3);
    // Every row the provider received is {"messages": [...]} ending with an assistant turn, weights only 0/1.
    for (const file of server.files.values()) {
      for (const line of file.lines) expect(chatLineProblem(line)).toBeUndefined();
    }
    const critic = [...server.files.values()].find((file) => file.filename.startsWith('agent-0-critic'));
    const first = critic?.lines[0] as { messages: { role: string; weight?: number }[] };
    expect(first.messages.map((message) => [message.role, message.weight])).toEqual([
      ['user', undefined],
      ['assistant', 0],
      ['user', undefined],
      ['assistant', undefined],
    ]);
    for (const job of server.jobs) {
      expect(job.method).toEqual({
        type: 'supervised',
        supervised: { hyperparameters: { n_epochs: 2, batch_size: 1, learning_rate_multiplier: 1 } },
      });
      expect(job.model).toBe('gpt-4o-mini-2024-07-18');
      expect(job.metadata?.['maft_tag']).toMatch(/^[0-9a-f]{32}$/);
    }
    const lastCreate = server.requests.lastIndexOf('POST /v1/fine_tuning/jobs');
    const firstPoll = server.requests.findIndex((request) => /^GET \/v1\/fine_tuning\/jobs\/ftjob/.test(request));
    expect(lastCreate).toBeLessThan(firstPoll);
    const registry = readRunRegistry(run);
    expect(registry.entries.map((entry) => [entry.status, entry.servedModel])).toEqual(
      server.jobs.map(() => ['succeeded', expect.stringMatching(/^ft:gpt-4o-mini-2024-07-18:maft-loopback:/)]),
    );
    for (const entry of registry.entries) {
      const job = server.jobs.find((candidate) => candidate.id === entry.jobId);
      expect(entry.servedModel).toBe(job?.fine_tuned_model);
      expect(entry.fileId).toBe(job?.training_file);
      expect(readFileSync(run.artifactPath(entry.log ?? ''), 'utf8')).toContain('New fine-tuned model created');
    }
    expect(JSON.stringify(registry)).not.toContain(key);
  });

  it('continues iteration 2 from the previous ft: ids', async () => {
    await train(jobsOf({ '0-generator': 10 }));
    const previous = readRunRegistry(run).entries[0]?.servedModel;
    await train([{ ...jobsOf({ '0-generator': 10 }, 2)[0]!, from: { served: previous ?? '' } }]);
    expect(server.jobs.map((job) => job.model)).toEqual(['gpt-4o-mini-2024-07-18', previous]);
    expect(readRunRegistry(run).entries[1]?.initialServedModel).toBe(previous);
  });

  it('skips a model below OpenAI’s minimum of 10 examples: it keeps its previous model, and says so', async () => {
    const outcome = await train(jobsOf({ '0-generator': 12, '0-critic': 9 }));
    expect(server.jobs).toHaveLength(1);
    expect(server.files.size).toBe(1);
    const skipped = outcome.entries.find((entry) => entry.role === 'critic');
    expect(skipped?.status).toBe('skipped');
    expect(skipped?.reason).toMatch(
      /9 training rows, fewer than the openai trainer's minimum of 10: the model stays the base model/,
    );
    expect(lines.some((line) => line.includes('warning') && line.includes('agent 0 critic: skipped'))).toBe(true);
  });

  it('re-attaches to jobs in flight after a stop, creating none twice', async () => {
    server.hold(true);
    const opened = openTrainer(
      config as never,
      (name) => run.artifactPath(name),
      () => readRunRegistry(run),
    );
    let polls = 0;
    const stopping = {
      ...opened.trainer,
      status: async (id: string) => {
        if (++polls > 4) throw new Error('the process was stopped');
        return opened.trainer.status(id);
      },
    };
    await expect(train(jobsOf({ '0-generator': 10, '1-generator': 10 }), { trainer: stopping })).rejects.toThrow(
      /stopped/,
    );
    expect(readRunRegistry(run).entries.map((entry) => entry.status)).toEqual(['running', 'running']);
    server.hold(false);
    const outcome = await train(jobsOf({ '0-generator': 10, '1-generator': 10 }));
    expect(server.jobs).toHaveLength(2);
    expect(outcome.entries.map((entry) => entry.status)).toEqual(['succeeded', 'succeeded']);
    expect(lines.filter((line) => line.includes('re-attached'))).toHaveLength(2);
  });

  it('cancels a job in flight whose data changed before training the new data', async () => {
    server.hold(true);
    const opened = openTrainer(
      config as never,
      (name) => run.artifactPath(name),
      () => readRunRegistry(run),
    );
    const stopping = {
      ...opened.trainer,
      status: async () => {
        throw new Error('the process was stopped');
      },
    };
    await expect(train(jobsOf({ '0-generator': 10 }), { trainer: stopping })).rejects.toThrow(/stopped/);
    server.hold(false);
    await train(jobsOf({ '0-generator': 11 }));
    expect(server.jobs.map((job) => job.status)).toEqual(['cancelled', 'succeeded']);
    expect(lines.some((line) => /cancelled job ftjob-\d+ \(its data or settings changed\)/.test(line))).toBe(true);
  });

  it('finds a job created just before a crash (its id never recorded) through the job list, not a second one', async () => {
    await expect(
      train(jobsOf({ '0-generator': 10, '1-generator': 10 }), {
        crash: (event) => {
          if (event === 'created-2') throw new Error('killed between create and record');
        },
      }),
    ).rejects.toThrow(/killed/);
    const torn = readRunRegistry(run).entries;
    expect(torn.map((entry) => [entry.status, entry.jobId !== undefined])).toEqual([
      ['pending', true],
      ['starting', false],
    ]);
    await train(jobsOf({ '0-generator': 10, '1-generator': 10 }));
    expect(server.jobs).toHaveLength(2);
    expect(server.requests.filter((request) => request === 'POST /v1/fine_tuning/jobs')).toHaveLength(2);
    expect(lines.some((line) => /found job ftjob-\d+, created before the last run stopped/.test(line))).toBe(true);
    expect(readRunRegistry(run).entries.map((entry) => entry.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('records a job that fails on the provider’s side, keeps the others, and retrains only it on the next run', async () => {
    server.failWhen((_job, file) => file.filename.startsWith('agent-1'));
    const outcome = await train(jobsOf({ '0-generator': 10, '1-generator': 10 }));
    expect(outcome.failed.map((entry) => entry.agent)).toEqual([1]);
    expect(outcome.failed[0]?.reason).toMatch(/failed on the provider's side: The job failed due to an internal error/);
    server.failWhen(() => false);
    const again = await train(jobsOf({ '0-generator': 10, '1-generator': 10 }));
    expect(again.failed).toEqual([]);
    expect(server.jobs).toHaveLength(3);
  });

  it('records the provider’s 400 for a bad file as that job’s failure, and rides out 429s', async () => {
    server.inject429(3);
    const bad = jobsOf({ '0-generator': 10, '1-generator': 10 });
    bad[1]!.rows = bad[1]!.rows.map((row) => ({ ...row, completion: { ...row.completion, content: ' ' } }));
    const outcome = await train(bad);
    expect(outcome.entries.map((entry) => entry.status)).toEqual(['succeeded', 'failed']);
    expect(outcome.failed[0]?.reason).toMatch(/400 Invalid file format: line 1: messages\[1\]\.content: missing/);
    expect(server.requests.slice(0, 3)).toEqual(['POST /v1/files', 'POST /v1/files', 'POST /v1/files']);
  });

  it('stops with one line when the service cannot be reached, leaving the intent to resume from', async () => {
    run.close();
    await server.close();
    await open(server.baseUrl);
    const error = await train(jobsOf({ '0-generator': 10 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MaftError);
    expect((error as MaftError).code).toBe('ENDPOINT_UNREACHABLE');
    expect((error as MaftError).toOneLine()).toMatch(
      /^OpenAI fine-tuning at http:\/\/127\.0\.0\.1:\d+\/v1: upload of .*: cannot connect$/,
    );
    expect(readRunRegistry(run).entries.map((entry) => entry.status)).toEqual(['starting']);
    server = await startLoopbackOpenAi({ apiKey: key }); // for afterEach
  });
});
