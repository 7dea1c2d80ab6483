/**
 * `maft run` end to end on the shipped arithmetic base model, every method, two iterations, small counts: the
 * results table, results.json, the registry, the report, `maft status`. Then the same run killed (SIGKILL,
 * injected at exact points: inside a debate, inside data building, inside a training job, inside an
 * evaluation, inside a diversity stage) and restarted with the same command each time ends with exactly the numbers of the
 * uninterrupted run. The killed run has the methods its crash points are in (and the base society's), not
 * every one: each method's numbers are its own (seeds come from the run seed, problem, round and agent, never
 * from the list of methods), so they must equal the reference's numbers for those methods exactly; the three
 * chains it leaves out (single-agent FT, majority FT, STaR) hold no crash point, and the reference runs them end
 * to end. Two problems per split: each crash point after a first record falls inside its stage, one record to go.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';
import { methodNames as allMethods } from '../../src/spec/methods.js';
import type { RunResults } from '../../src/spec/run-results.js';
import type { ModelRegistry } from '../../src/finetune/model-registry.js';
import { cliCommand, runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

// Every method but the no-debate ablation (its stages are single-agent FT's, with majority FT's data).
const methodNames = allMethods.filter((method) => method !== 'single-agent-ft-nodebate');
const directory = temporaryDirectory('run');
const configFile = path.join(directory, 'small.yaml');
// The kill test's crash points are reached in a known order only when one stage runs at a time; the reference run
// (the default: the methods' chains side by side) and the killed one so also show the two orders end the same.
const sequentialConfigFile = path.join(directory, 'small-sequential.yaml');
const killedMethods = ['base', 'majority', 'debate', 'multiagent-ft'];

beforeAll(() => {
  writeFileSync(
    configFile,
    [
      'task: { name: arithmetic, options: { max: 9 } }',
      'split: { finetuneCount: 2, evalCount: 2 }',
      `methods: [${methodNames.join(', ')}]`,
      'iterations: 2',
      'sampling: { maxTokens: 160 }',
      `backend: { kind: llama-cpp, model: ${JSON.stringify(shippedBaseModel)}, threads: 1, contextSize: 1024 }`,
      'problemConcurrency: 1',
      'trainer: { epochs: 1, windowLength: 512 }',
      'reportSamples: 2',
      '',
    ].join('\n'),
  );
  const killedConfig = readFileSync(configFile, 'utf8').replace(
    `methods: [${methodNames.join(', ')}]`,
    `methods: [${killedMethods.join(', ')}]`,
  );
  if (!killedConfig.includes(`methods: [${killedMethods.join(', ')}]`)) throw new Error('no methods line');
  writeFileSync(sequentialConfigFile, `${killedConfig}methodChains: sequential\n`);
});

const run = (runDirectory: string, crashAt?: string, config = configFile) => {
  const [executable, ...prefix] = cliCommand();
  const result = spawnSync(executable as string, [...prefix, 'run', config, '--run', runDirectory], {
    encoding: 'utf8',
    timeout: 3_600_000,
    env: { ...process.env, ...(crashAt ? { MAFT_CRASH_AT: crashAt } : {}) },
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
};
const results = (runDirectory: string) =>
  JSON.parse(readFileSync(path.join(runDirectory, 'artifacts', 'results.json'), 'utf8')) as RunResults;
/** What must not change when a run is killed and resumed: every number but wall times (of `methods`' entries). */
const numbers = (value: RunResults, methods: readonly string[] = allMethods) => {
  const of = <T extends { method: string }>(entries: readonly T[]) =>
    entries.filter((entry) => methods.includes(entry.method));
  return {
    scores: of(value.scores).map(({ modelSeconds: _seconds, ...rest }) => rest),
    datasets: of(value.datasets),
    training: of(value.training).map(({ seconds: _seconds, ...rest }) => rest),
    samples: of(value.samples),
    diversity: of(value.diversity),
  };
};

describe('maft run', () => {
  const reference = path.join(directory, 'reference');

  it('runs every method for two iterations, prints the table and writes results, registry and report', () => {
    const result = run(reference);
    expect(result.status, result.stderr.slice(-2000)).toBe(0);
    for (const label of [
      'Base (one answer)',
      'Majority vote',
      'Debate',
      'Multiagent FT',
      'Single-agent FT',
      'Majority FT',
      'STaR',
    ]) {
      expect(result.stdout).toContain(label);
    }
    const value = results(reference);
    // 31 stages and 7 diversity stages: the base society and, at both iterations, every society of 3 agents.
    expect(value.progress).toEqual({ done: 38, total: 38, finished: true });
    expect(value.diversity.map((score) => `${score.method}@${score.iteration}`)).toEqual([
      'debate@0',
      'multiagent-ft@1',
      'single-agent-ft@1',
      'majority-ft@1',
      'multiagent-ft@2',
      'single-agent-ft@2',
      'majority-ft@2',
    ]);
    for (const score of value.diversity) expect(score.problems).toBe(2);
    for (const method of methodNames) {
      const iterations = value.scores.filter((score) => score.method === method).map((score) => score.iteration);
      expect(iterations, method).toEqual(['base', 'majority', 'debate'].includes(method) ? [0] : [0, 1, 2]);
    }
    for (const score of value.scores) expect(score.problems).toBe(2);
    // Every model of every method has a job in the registry, trained or (no rows) skipped, none failed; the
    // shipped model answers in format, so the society's debates give rows and its models really train.
    const registry = JSON.parse(
      readFileSync(path.join(reference, 'artifacts', 'models', 'registry.json'), 'utf8'),
    ) as ModelRegistry;
    for (const method of ['multiagent-ft', 'single-agent-ft', 'majority-ft', 'star'] as const) {
      const jobs = registry.entries.filter((entry) => entry.method === method);
      expect(jobs.map((entry) => entry.iteration).sort(), method).toEqual(
        method === 'multiagent-ft' ? [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2] : [1, 2],
      );
    }
    expect(registry.entries.filter((entry) => entry.status === 'failed')).toEqual([]);
    expect(registry.entries.some((entry) => entry.method === 'multiagent-ft' && entry.status === 'succeeded')).toBe(
      true,
    );
    expect(registry.entries.some((entry) => entry.method === 'single-agent-ft' && entry.status === 'succeeded')).toBe(
      true,
    );
    expect(
      value.datasets
        .filter((size) => size.method === 'multiagent-ft' && size.iteration === 1)
        .map((size) => size.agent),
    ).toEqual([0, 1, 2]);
    expect(existsSync(path.join(reference, 'artifacts', 'report.html'))).toBe(true);

    const status = runCli(['status', reference]);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('finished');
    expect(status.stdout).toContain('multiagent-ft/iteration-2/eval');

    // Run again: everything is done, nothing is redone, the same table comes out.
    const again = run(reference);
    expect(again.status).toBe(0);
    expect(numbers(results(reference))).toEqual(numbers(value));
  });

  it('killed inside a debate, data building, a training job, an evaluation and a diversity stage, resumes to the same numbers', () => {
    const interrupted = path.join(directory, 'interrupted');
    const points = [
      'base/finetune:record-1',
      'multiagent-ft/iteration-1/data:file-3',
      'multiagent-ft/iteration-1/train:step-1',
      'multiagent-ft/iteration-1/eval:record-1',
      'multiagent-ft/iteration-1/diversity:record-1',
      'multiagent-ft/iteration-2/train:step-1',
    ];
    for (const point of points) {
      const killed = run(interrupted, point, sequentialConfigFile);
      expect(killed.signal, `${point}: ${killed.stderr.slice(-1500)}`).toBe('SIGKILL');
    }
    const status = runCli(['status', interrupted]);
    expect(status.stdout).toMatch(/stages done/);
    const final = run(interrupted, undefined, sequentialConfigFile);
    expect(final.status, final.stderr.slice(-2000)).toBe(0);
    // Every entry of the resumed run (all its methods') against the reference's entries of the same methods.
    const resumed = results(interrupted);
    expect(resumed.methods).toEqual(killedMethods);
    expect(numbers(resumed)).toEqual(numbers(results(reference), killedMethods));
  });
});
