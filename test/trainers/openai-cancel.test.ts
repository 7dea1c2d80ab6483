/**
 * `maft cancel <run-dir>` against the loopback OpenAI fine-tuning server (test/helpers/loopback-openai-finetuning.ts,
 * written from the published contract): a run stopped while its jobs are in flight at the provider (one recorded
 * with its id, one killed between "create" and "record its id"), then the real `maft` program (in process):
 * --dry-run changes nothing, the cancel stops exactly those jobs and records them, a second cancel is a no-op,
 * a resumed train stage retrains the cancelled models once; a provider refusal on one job; a live run's lock;
 * a local trainer kind.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import type { RunConfig } from '../../src/config/run-config.js';
import { MaftError } from '../../src/errors/maft-error.js';
import { cancelFailure, cancelRunJobs } from '../../src/finetune/cancel-jobs.js';
import { runDurableJobs, type DurableJob } from '../../src/finetune/durable-jobs.js';
import { readRunRegistry } from '../../src/finetune/finetune-jobs.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { Run } from '../../src/run-store/run.js';
import { openTrainer } from '../../src/trainers/open-trainer.js';
import { startLoopbackOpenAi, type LoopbackOpenAi } from '../helpers/loopback-openai-finetuning.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { trainingJob, type RowRole } from '../helpers/training-rows.js';

const key = 'sk-loopback-cancel';

const job = (agent: number, role: RowRole, count = 10): DurableJob => trainingJob(agent, role, count);

let server: LoopbackOpenAi;
let directory: string;
let run: Run<RunConfig> | undefined;
let config: RunConfig;
const lines: string[] = [];

async function open(): Promise<Run<RunConfig>> {
  config = (
    await resolveRunConfig(
      {
        task: { name: 'arithmetic', options: { max: 9 } },
        split: { finetuneCount: 4, evalCount: 4 },
        backend: {
          kind: 'openai',
          baseUrl: server.baseUrl,
          model: 'gpt-4o-mini-2024-07-18',
          apiKeyEnv: 'MAFT_TEST_OPENAI_KEY',
        },
        trainer: {
          kind: 'openai',
          baseUrl: server.baseUrl,
          apiKeyEnv: 'MAFT_TEST_OPENAI_KEY',
          pollSeconds: 0.01,
          maxPollSeconds: 0.05,
        },
        methods: ['multiagent-ft'],
        iterations: 1,
      },
      'test config',
    )
  ).config;
  run = openRun(directory, config, { command: ['test'], notify: () => {} });
  return run;
}

/** The train stage of `maft run` (durable-jobs.ts) on the open run, its trainer's calls optionally replaced. */
async function train(jobs: DurableJob[], replace: Record<string, unknown> = {}, crash?: (event: string) => void) {
  const opened = await open();
  const trainer = openTrainer(
    config as never,
    (name) => opened.artifactPath(name),
    () => readRunRegistry(opened),
  );
  try {
    return await runDurableJobs(opened, jobs, {
      ...trainer,
      trainer: { ...trainer.trainer, ...replace },
      log: (line) => lines.push(line),
      ...(crash ? { crash } : {}),
    });
  } finally {
    opened.close();
    run = undefined;
  }
}

/** As a process killed by SIGKILL leaves it: a lock file naming a pid that no longer runs. */
function leaveStaleLock(): void {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const owner = { pid: dead, hostname: hostname(), startedAt: new Date().toISOString(), command: ['run'] };
  writeFileSync(path.join(directory, 'lock'), `${JSON.stringify(owner)}\n`);
}

const registryText = () => readFileSync(path.join(directory, 'artifacts/models/registry.json'), 'utf8');
const registry = () => JSON.parse(registryText()) as ReturnType<typeof readRunRegistry>;
const statusOf = (agent: number, role: string) =>
  registry().entries.find((entry) => entry.agent === agent && entry.role === role);
const cancelRequests = () => server.requests.filter((request) => request.endsWith('/cancel'));
const stopped = async () => {
  throw new Error('the process was stopped');
};

beforeEach(async () => {
  process.env.MAFT_TEST_OPENAI_KEY = key;
  server = await startLoopbackOpenAi({ apiKey: key });
  directory = mkdtempSync(path.join(tmpdir(), 'maft-openai-cancel-'));
  lines.length = 0;
});

afterEach(async () => {
  run?.close();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('maft cancel with the openai trainer', () => {
  it('cancels exactly the jobs a killed run left at the provider; a resumed run retrains those once', async () => {
    // Agent 0's generator finishes; then, jobs held, agent 1's generator is created and recorded and agent 0's
    // critic is created but the process dies before recording its id (the crash window); agent 1's critic is skipped.
    expect((await train([job(0, 'generator')])).failed).toEqual([]);
    server.hold(true);
    const all = [job(0, 'generator'), job(1, 'critic', 9), job(1, 'generator'), job(0, 'critic')];
    await expect(
      train(all, {}, (event) => {
        if (event === 'created-2') throw new Error('killed between create and record');
      }),
    ).rejects.toThrow(/killed/);
    leaveStaleLock();
    const [finished, recorded, unrecorded] = server.jobs;
    expect(server.jobs.map((each) => each.status)).toEqual(['succeeded', 'validating_files', 'validating_files']);
    expect(registry().entries.map((entry) => [entry.agent, entry.role, entry.status])).toEqual([
      [0, 'critic', 'starting'],
      [0, 'generator', 'succeeded'],
      [1, 'critic', 'skipped'],
      [1, 'generator', 'pending'],
    ]);

    const before = registryText();
    const dry = await runInProcess(['cancel', directory, '--dry-run', '--json']);
    expect(dry.status, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { jobs: { jobId: string; action: string }[]; dryRun: boolean };
    expect(planned.dryRun).toBe(true);
    expect(planned.jobs.map((each) => [each.jobId, each.action])).toEqual([
      [unrecorded?.id, 'would-cancel'],
      [recorded?.id, 'would-cancel'],
    ]);
    expect(registryText()).toBe(before);
    expect(cancelRequests()).toEqual([]);
    expect(readFileSync(path.join(directory, 'lock'), 'utf8')).toContain('"command":["run"]'); // no lock taken

    const cancelled = await runInProcess(['cancel', directory]);
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stderr).toMatch(/took over the lock of pid \d+/);
    expect(cancelled.stdout).toContain(
      `multiagent-ft iteration 1 agent 1 generator  job ${recorded?.id}  cancelled: cancelled (cancelled)`,
    );
    expect(cancelled.stdout).toContain(`agent 0 critic  job ${unrecorded?.id}  cancelled`);
    expect(cancelled.stdout).toMatch(/: openai trainer, 2 cancelled\n$/);
    expect(cancelRequests().sort()).toEqual(
      [`POST /v1/fine_tuning/jobs/${recorded?.id}/cancel`, `POST /v1/fine_tuning/jobs/${unrecorded?.id}/cancel`].sort(),
    );
    expect(server.jobs.map((each) => each.status)).toEqual(['succeeded', 'cancelled', 'cancelled']);
    expect(
      registry().entries.map((entry) => [entry.role, entry.agent, entry.status, entry.jobId, entry.reason]),
    ).toEqual([
      ['critic', 0, 'cancelled', unrecorded?.id, 'cancelled by maft cancel'],
      ['generator', 0, 'succeeded', finished?.id, undefined],
      ['critic', 1, 'skipped', undefined, expect.stringMatching(/fewer than the openai trainer's minimum/)],
      ['generator', 1, 'cancelled', recorded?.id, 'cancelled by maft cancel'],
    ]);

    const again = await runInProcess(['cancel', directory, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { jobs: unknown[] }).jobs).toEqual([]);
    expect(cancelRequests()).toHaveLength(2);

    // The resume: first killed before it could create agent 1's generator's new job (the entry is `starting` again,
    // its tag the cancelled job's) — the next run must not re-attach to the cancelled job listed under that tag.
    server.hold(false);
    await expect(
      train(all, {
        start: async () => {
          throw new MaftError('ENDPOINT_UNREACHABLE', 'killed before create');
        },
      }),
    ).rejects.toThrow(/killed before create/);
    expect(statusOf(1, 'generator')?.status).toBe('starting');
    const resumed = await train(all);
    expect(resumed.failed).toEqual([]);
    expect(resumed.entries.map((entry) => entry.status)).toEqual(['succeeded', 'succeeded', 'skipped', 'succeeded']);
    expect(server.jobs).toHaveLength(5); // the 3 of before and one new job for each cancelled model
    expect(server.jobs.slice(0, 3).map((each) => each.status)).toEqual(['succeeded', 'cancelled', 'cancelled']);
    expect(statusOf(0, 'generator')?.jobId).toBe(finished?.id);
    expect([statusOf(0, 'critic')?.jobId, statusOf(1, 'generator')?.jobId].sort()).toEqual(
      server.jobs
        .slice(3)
        .map((each) => each.id)
        .sort(),
    );
    expect(lines.some((line) => /re-attached|found job/.test(line))).toBe(false);
  });

  it('a provider refusal on one job: the others are still cancelled, then one CANCEL_FAILED line and exit 1', async () => {
    server.hold(true);
    await expect(train([job(0, 'generator'), job(1, 'generator')], { status: stopped })).rejects.toThrow(/stopped/);
    // Agent 0's job is one the provider does not know (another account's, or deleted): the cancel gets a 404.
    const text = registryText().replace(statusOf(0, 'generator')?.jobId ?? '?', 'ftjob-unknown');
    writeFileSync(path.join(directory, 'artifacts/models/registry.json'), text);
    const result = await runInProcess(['cancel', directory]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^maft: error \[CANCEL_FAILED\]: 1 of 2 jobs could not be cancelled \(they may still run and be billed\); first: multiagent-ft iteration 1 agent 0 generator job ftjob-unknown: .*404 No such job: ftjob-unknown\n$/,
    );
    expect(result.stdout).toMatch(/agent 0 generator {2}job ftjob-unknown {2}failed: .*404/);
    expect(server.jobs.map((each) => each.status)).toEqual(['validating_files', 'cancelled']);
    expect(registry().entries.map((entry) => entry.status)).toEqual(['pending', 'cancelled']);
  });

  it('leaves a job that ended on its own since the run stopped to maft run, which records its model', async () => {
    server.hold(true);
    await expect(train([job(0, 'generator')], { status: stopped })).rejects.toThrow(/stopped/);
    server.hold(false);
    const id = server.jobs[0]?.id ?? '?';
    // The provider moves on meanwhile (each retrieve is one step of the loopback's job): it succeeds.
    for (let step = 0; step < 3; step++)
      await fetch(`${server.baseUrl}/fine_tuning/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(server.jobs[0]?.status).toBe('succeeded');
    const result = await runInProcess(['cancel', directory]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `job ${id}  ended: it had already succeeded (succeeded); maft run records its result`,
    );
    expect(statusOf(0, 'generator')?.status).toBe('pending');
    const resumed = await train([job(0, 'generator')]);
    expect(resumed.entries.map((entry) => [entry.status, entry.jobId])).toEqual([['succeeded', id]]);
    expect(server.jobs).toHaveLength(1);
  });

  it('a refused cancel of a job that had already ended is no failure; of one that still runs, it is', async () => {
    server.hold(true);
    await expect(train([job(0, 'generator'), job(1, 'generator')], { status: stopped })).rejects.toThrow(/stopped/);
    server.hold(false);
    const [ended, live] = server.jobs;
    for (let step = 0; step < 3; step++)
      await fetch(`${server.baseUrl}/fine_tuning/jobs/${ended?.id}`, { headers: { authorization: `Bearer ${key}` } });
    server.hold(true);
    // Injected: a provider that answers a cancel with 400 (the loopback cancels whatever it is asked to).
    const opened = openTrainer(
      config as never,
      () => '',
      () => ({ entries: [] }),
    );
    const refusing = {
      ...opened.trainer,
      cancel: async (id: string) => {
        throw new MaftError('REQUEST_FAILED', `cancelling ${id}: 400 Job cannot be cancelled`);
      },
    };
    const reopened = openRun(directory, config, { command: ['test'], notify: () => {} });
    const outcome = await cancelRunJobs(reopened, refusing, { dryRun: false }).finally(() => reopened.close());
    expect(outcome.jobs.map((each) => [each.jobId, each.action])).toEqual([
      [ended?.id, 'ended'],
      [live?.id, 'failed'],
    ]);
    expect(cancelFailure(outcome)?.toOneLine()).toMatch(
      /1 of 2 jobs could not be cancelled.*400 Job cannot be cancelled/,
    );
    expect(registry().entries.map((entry) => entry.status)).toEqual(['pending', 'pending']); // as recorded: left to maft run
  });

  it('refuses while a live maft run holds the run directory, and changes nothing', async () => {
    server.hold(true);
    await expect(train([job(0, 'generator')], { status: stopped })).rejects.toThrow(/stopped/);
    const owner = { pid: process.ppid, hostname: hostname(), startedAt: new Date().toISOString(), command: ['run'] };
    writeFileSync(path.join(directory, 'lock'), `${JSON.stringify(owner)}\n`);
    const before = registryText();
    const result = await runInProcess(['cancel', directory]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^maft: error \[RUN_LOCKED\]: .*the run is in use by pid \d+ \(run/);
    expect(cancelRequests()).toEqual([]);
    expect(registryText()).toBe(before);
  });

  it('says there is nothing remote to cancel for a trainer whose jobs are children of maft', async () => {
    const { config: local } = await resolveRunConfig(
      { task: { name: 'arithmetic', options: { max: 9 } }, split: { finetuneCount: 4, evalCount: 4 } },
      'test config',
    );
    openRun(directory, local, { command: ['test'], notify: () => {} }).close();
    const result = await runInProcess(['cancel', directory]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/trainer\.kind embedded trains in processes maft starts itself: nothing remote/);
    const json = await runInProcess(['cancel', directory, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ remote: false, trainerKind: 'embedded', jobs: [] });
  });
});
