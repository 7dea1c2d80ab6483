/**
 * `maft status` on a real run directory: a `maft debate` killed (SIGKILL) inside its stage leaves the stage marked
 * `running` and a lock whose process is gone, so status calls it `interrupted`, in text and --json. A live process
 * that then holds the run (this test's own, through the run store's lock) has not restarted it yet: still
 * interrupted. Once that process marks it running, it is running, and status names the process.
 * Then the case the chains side by side make: a `maft run` killed inside multiagent FT's training while single-agent
 * FT's chain works leaves a stage of each chain marked `running`: both are interrupted, none runs, and the run goes
 * on with each chain's own stage.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import type { RunManifest } from '../../src/run-store/manifest.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { RunStatus } from '../../src/status/describe-status.js';
import { cliCommand } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { tinyRunConfig } from '../helpers/tiny-run-config.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('status-command');
const config = path.join(directory, 'run.yaml');
const run = path.join(directory, 'run');

beforeAll(async () => {
  const model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 5 }));
  writeFileSync(
    config,
    [
      'task: { name: arithmetic, options: { max: 9 } }',
      'split: { finetuneCount: 2, evalCount: 3 }',
      'methods: [base, debate, multiagent-ft, single-agent-ft]',
      'iterations: 1',
      'society: { agents: 2, rounds: 1 }',
      'sampling: { maxTokens: 8 }',
      `backend: { kind: llama-cpp, model: ${JSON.stringify(model)}, threads: 1, contexts: 1, contextSize: 256 }`,
      'problemConcurrency: 1',
      'diversity: { problems: 0 }',
      '',
    ].join('\n'),
  );
  const [executable, ...prefix] = cliCommand();
  const killed = spawnSync(
    executable as string,
    [...prefix, 'debate', '--config', config, '--run', run, '--split', 'eval'],
    { encoding: 'utf8', timeout: 600_000, env: { ...process.env, MAFT_CRASH_AT: 'base/eval:record-1' } },
  );
  expect(killed.signal, killed.stderr.slice(-1500)).toBe('SIGKILL');
}, 600_000);

const statusJson = async (directory = run) => {
  const result = await runInProcess(['status', directory, '--json']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RunStatus & { runningProcess: { pid: number } | null };
};

describe('maft status on a killed run', () => {
  it('calls the stage the dead process left `running` interrupted, and says what comes next', async () => {
    const manifest = JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as {
      stages: Record<string, { state: string }>;
    };
    expect(manifest.stages['base/eval']?.state).toBe('running');

    const value = await statusJson();
    expect(value).toMatchObject({
      running: [],
      interrupted: ['base/eval'],
      next: ['base/eval'],
      runningProcess: null,
      finished: false,
    });
    expect(value.stages.find((stage) => stage.id === 'base/eval')).toMatchObject({
      state: 'interrupted',
      chain: 'base',
      records: { done: 1, total: 3 },
    });
    const text = await runInProcess(['status', run]);
    expect(text.stdout).toContain('0 of 8 stages done · stopped: no process holds the run');
    expect(text.stdout).toMatch(/! base\/eval\s+interrupted\s+1\/3/);
    expect(text.stdout).toContain('next: base/eval; 8 stage(s) left — run the same maft run command to continue');
  });

  it('a live holder that has not restarted the stage leaves it interrupted; once it marks it, it runs', async () => {
    const stored = JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8')) as unknown;
    const opened = openRun(run, stored, { command: ['status-command.test'], notify: () => undefined });
    try {
      let value = await statusJson();
      expect(value.runningProcess?.pid).toBe(process.pid);
      expect(value).toMatchObject({ running: [], interrupted: ['base/eval'] });

      opened.markStage('base/eval', 'running');
      value = await statusJson();
      expect(value).toMatchObject({ running: ['base/eval'], interrupted: [], next: ['base/eval'] });
      const text = await runInProcess(['status', run]);
      expect(text.stdout).toContain(`0 of 8 stages done · pid ${process.pid} is running it`);
      expect(text.stdout).toContain('running now: base/eval');
      expect(text.stdout).not.toContain('run the same maft run command');
    } finally {
      opened.close();
    }
  });
});

describe('maft status on a run killed while both chains worked', () => {
  it('shows a stage of each chain interrupted, none running, and the next stage of each chain', async () => {
    const chains = path.join(directory, 'chains.yaml');
    const killedRun = path.join(directory, 'chains');
    writeFileSync(
      chains,
      tinyRunConfig({
        methods: '[base, debate, multiagent-ft, single-agent-ft]',
        iterations: '2',
        methodChains: 'parallel',
      }),
    );
    const [executable, ...prefix] = cliCommand();
    const killed = spawnSync(executable as string, [...prefix, 'run', chains, '--run', killedRun], {
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, MAFT_CRASH_AT: 'multiagent-ft/iteration-1/train:step-1' },
    });
    expect(killed.signal, killed.stderr.slice(-1500)).toBe('SIGKILL');
    const marked = Object.entries(
      (JSON.parse(readFileSync(path.join(killedRun, 'manifest.json'), 'utf8')) as RunManifest).stages,
    )
      .filter(([, marker]) => marker.state === 'running')
      .map(([id]) => id);
    // Single-agent FT's chain was inside a stage too (its one job trains before multiagent FT's six: parallelJobs 1).
    expect(marked).toContain('multiagent-ft/iteration-1/train');
    expect(marked.filter((id) => id.startsWith('single-agent-ft/'))).toHaveLength(1);

    const value = await statusJson(killedRun);
    expect(value.running).toEqual([]);
    expect(value.runningProcess).toBeNull();
    expect([...value.interrupted].sort()).toEqual([...marked].sort());
    // Each chain goes on with its own interrupted stage.
    expect(value.next).toEqual(value.interrupted);
    expect(value.next[0]).toBe('multiagent-ft/iteration-1/train');
    const text = await runInProcess(['status', killedRun]);
    expect(text.stdout).toContain(`next, one per chain, side by side: ${value.next.join(', ')}; `);
    expect(text.stdout).toMatch(/! single-agent-ft\/iteration-\d\/\w+\s+interrupted/);
    expect(text.stdout).not.toMatch(/\s(running|…)\s/);
  }, 600_000);
});
