/**
 * `maft run` with the finetuning methods' chains side by side (methodChains: parallel) against one stage at a time
 * (sequential), on the shipped arithmetic model: multiagent FT and single-agent FT, one iteration, two agents, two
 * problems per split, one read back for diversity (the property needs a run of two chains, not a big one;
 * test/backends/llama-server/method-chains-run.test.ts runs two iterations side by side,
 * test/pipeline/run-command.test.ts every method for two iterations). The run
 * directories end the same — every adapter byte for byte, every score, every registry entry — while the
 * parallel run really interleaves the methods (its manifest lists the stages in the order they started). Resuming
 * a finished run with the other methodChains is not "a different config"; a run killed inside one chain resumes to
 * the same adapters and scores. A chain that fails (its training job
 * cannot write its adapter) lets the other chain finish its running stage, leaves no other stage `running`, and
 * the same command resumes the run to its end.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRegistry } from '../../src/finetune/model-registry.js';
import type { RunManifest } from '../../src/run-store/manifest.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { cliCommand } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { tinyRunConfig } from '../helpers/tiny-run-config.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';
import { readGgufFiles } from '../helpers/gguf-files.js';

const directory = temporaryDirectory('method-chains');
const configFile = (mode: 'parallel' | 'sequential') => path.join(directory, `${mode}.yaml`);

beforeAll(() => {
  for (const mode of ['parallel', 'sequential'] as const)
    writeFileSync(
      configFile(mode),
      tinyRunConfig({
        society: '{ agents: 2, rounds: 2 }',
        methods: '[base, debate, multiagent-ft, single-agent-ft]',
        diversity: '{ problems: 1 }',
        methodChains: mode,
      }),
    );
});

const runDirectory = (mode: string) => path.join(directory, `run-${mode}`);
const artifact = (mode: string, name: string) => path.join(runDirectory(mode), 'artifacts', name);
const results = (mode: string) => JSON.parse(readFileSync(artifact(mode, 'results.json'), 'utf8')) as RunResults;
/** Every adapter of a run, by its path under artifacts/models. */
function adapters(mode: string): Map<string, Buffer> {
  return readGgufFiles(artifact(mode, 'models'));
}
/** The registry's entries without what differs between any two runs (times, throughput). */
const registry = (mode: string) =>
  (JSON.parse(readFileSync(artifact(mode, 'models/registry.json'), 'utf8')) as ModelRegistry).entries.map(
    ({ updatedAt: _at, result, ...entry }) => ({ ...entry, steps: result?.steps, finalLoss: result?.finalLoss }),
  );
const scores = (value: RunResults) => value.scores.map(({ modelSeconds: _seconds, ...rest }) => rest);
const stageOrder = (mode: string) =>
  Object.keys((JSON.parse(readFileSync(path.join(runDirectory(mode), 'manifest.json'), 'utf8')) as RunManifest).stages);

describe('methodChains', () => {
  it('parallel ends with the same adapters, scores and registry as sequential', async () => {
    for (const mode of ['sequential', 'parallel'] as const) {
      const made = await runInProcess(['run', configFile(mode), '--run', runDirectory(mode)]);
      expect(made.status, made.stderr.slice(-2000)).toBe(0);
    }
    const parallel = stageOrder('parallel');
    const sequential = stageOrder('sequential');
    // Sequential: all of multiagent FT's iteration 1 before single-agent FT's; parallel: the chains interleave.
    expect(sequential.indexOf('single-agent-ft/iteration-1/data')).toBeGreaterThan(
      sequential.indexOf('multiagent-ft/iteration-1/eval'),
    );
    expect(parallel.indexOf('single-agent-ft/iteration-1/data')).toBeLessThan(
      parallel.indexOf('multiagent-ft/iteration-1/train'),
    );
    expect([...parallel].sort()).toEqual([...sequential].sort());

    // Every job of both methods has its entry (2 agents × generator and critic + one single-agent model),
    // trained or (no rows) skipped, none failed, the same in both runs.
    const entries = registry('parallel');
    expect(entries).toHaveLength(5);
    expect(entries.filter((entry) => entry.status !== 'succeeded' && entry.status !== 'skipped')).toEqual([]);
    expect(registry('parallel')).toEqual(registry('sequential'));
    const made = adapters('parallel');
    expect([...made.keys()].sort()).toEqual([...adapters('sequential').keys()].sort());
    const trained = entries.filter((entry) => entry.status === 'succeeded');
    expect(new Set(trained.map((entry) => entry.method))).toEqual(new Set(['multiagent-ft', 'single-agent-ft']));
    expect(made.size).toBe(trained.length);
    for (const [name, bytes] of adapters('sequential')) expect(made.get(name)?.equals(bytes), name).toBe(true);

    expect(scores(results('parallel'))).toEqual(scores(results('sequential')));
    expect(results('parallel').diversity).toEqual(results('sequential').diversity);
    expect(results('parallel').progress).toMatchObject({ finished: true });
  });

  it('is a setting of the session: a finished run resumes under the other value and redoes nothing', async () => {
    const before = readFileSync(artifact('parallel', 'models/registry.json'), 'utf8');
    const resumed = await runInProcess(['run', configFile('sequential'), '--run', runDirectory('parallel')]);
    expect(resumed.status, resumed.stderr.slice(-2000)).toBe(0);
    expect(readFileSync(artifact('parallel', 'models/registry.json'), 'utf8')).toBe(before);
    expect(scores(results('parallel'))).toEqual(scores(results('sequential')));
  });

  it('killed (SIGKILL) inside one chain while the other runs, resumes to the same adapters and scores', async () => {
    const killed = runDirectory('killed');
    const [executable, ...prefix] = cliCommand();
    const crashed = spawnSync(executable as string, [...prefix, 'run', configFile('parallel'), '--run', killed], {
      encoding: 'utf8',
      timeout: 3_600_000,
      env: { ...process.env, MAFT_CRASH_AT: 'multiagent-ft/iteration-1/train:step-1' },
    });
    expect(crashed.signal, crashed.stderr.slice(-1500)).toBe('SIGKILL');
    const resumed = await runInProcess(['run', configFile('parallel'), '--run', killed]);
    expect(resumed.status, resumed.stderr.slice(-2000)).toBe(0);
    expect(scores(results('killed'))).toEqual(scores(results('parallel')));
    expect(registry('killed')).toEqual(registry('parallel'));
    const made = adapters('killed');
    expect([...made.keys()].sort()).toEqual([...adapters('parallel').keys()].sort());
    for (const [name, bytes] of adapters('parallel')) expect(made.get(name)?.equals(bytes), name).toBe(true);
  });

  it("a failing chain leaves the other chain's finished work recorded, and the run resumes", async () => {
    const config = path.join(directory, 'failing.yaml');
    writeFileSync(
      config,
      readFileSync(configFile('parallel'), 'utf8').replace('diversity: { problems: 1 }', 'diversity: { problems: 0 }'),
    );
    const failing = runDirectory('failing');
    const created = await runInProcess(['debate', '--config', config, '--run', failing, '--split', 'eval']);
    expect(created.status, created.stderr.slice(-2000)).toBe(0);
    // A directory where single-agent FT's adapter must be written: its one training job fails when it saves.
    const obstacle = path.join(failing, 'artifacts', 'models', 'single-agent-ft', 'iteration-1', 'model.gguf');
    mkdirSync(obstacle, { recursive: true });
    const stopped = await runInProcess(['run', config, '--run', failing]);
    expect(stopped.status).not.toBe(0);
    expect(stopped.stderr).toContain('training jobs failed');
    const stages = (JSON.parse(readFileSync(path.join(failing, 'manifest.json'), 'utf8')) as RunManifest).stages;
    // The failed stage stays `running` (its failed job is recorded: a resume retries it); every other stage that
    // started, multiagent FT's included, finished and is `done`: none was cut off half way.
    expect(stages['single-agent-ft/iteration-1/train']?.state).toBe('running');
    expect(
      Object.entries(stages)
        .filter(([id, marker]) => id !== 'single-agent-ft/iteration-1/train' && marker.state !== 'done')
        .map(([id]) => id),
    ).toEqual([]);
    expect(Object.keys(stages)).toContain('multiagent-ft/iteration-1/data');
    const entries = (
      JSON.parse(readFileSync(path.join(failing, 'artifacts', 'models', 'registry.json'), 'utf8')) as ModelRegistry
    ).entries;
    expect(entries.find((entry) => entry.method === 'single-agent-ft')?.status).toBe('failed');
    expect(entries.filter((entry) => entry.method === 'multiagent-ft' && entry.status === 'running')).toEqual([]);

    rmSync(obstacle, { recursive: true });
    const resumed = await runInProcess(['run', config, '--run', failing]);
    expect(resumed.status, resumed.stderr.slice(-2000)).toBe(0);
    const value = JSON.parse(readFileSync(path.join(failing, 'artifacts', 'results.json'), 'utf8')) as RunResults;
    expect(value.progress).toMatchObject({ finished: true });
    const after = (
      JSON.parse(readFileSync(path.join(failing, 'artifacts', 'models', 'registry.json'), 'utf8')) as ModelRegistry
    ).entries;
    expect(after.filter((entry) => entry.status === 'failed' || entry.status === 'running')).toEqual([]);
  });
});
