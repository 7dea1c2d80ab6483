/**
 * One pipeline: the whole loop run stage by stage with the stage commands (`maft debate`, `build-data`,
 * `finetune`, `eval`; two iterations of multiagent FT, tiny counts, the shipped model) gives exactly the
 * results.json `maft run` gives with the same config — and `maft run` on the directory the commands wrote finds
 * every stage done and continues from there (nothing to redo), while `maft status` reads it like any run.
 * The property is about the two routes, not a method: one finetuning method (the paper's, generators and
 * critics) takes every stage command, at both iterations (`maft debate --split finetune --iteration 2` included);
 * the commands take any method the same way (only `debate --split finetune` treats STaR apart), and every other
 * method runs end to end in test/pipeline/run-command.test.ts. Two agents, two problems per split, one read back
 * for diversity: the routes are compared on every number, whatever the size of the society.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';
import type { ModelRegistry } from '../../src/finetune/model-registry.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { cliCommand } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('stages');
const configFile = path.join(directory, 'tiny.yaml');
/** The finetuning method taken through every stage command. */
const finetuned = ['multiagent-ft'] as const;

beforeAll(() => {
  writeFileSync(
    configFile,
    [
      'task: { name: arithmetic, options: { max: 9 } }',
      'split: { finetuneCount: 2, evalCount: 2 }',
      'society: { agents: 2, rounds: 2 }',
      'methods: [base, majority, debate, multiagent-ft]',
      'iterations: 2',
      'sampling: { maxTokens: 160 }',
      `backend: { kind: llama-cpp, model: ${JSON.stringify(shippedBaseModel)}, threads: 1 }`,
      'problemConcurrency: 1',
      'trainer: { epochs: 1, windowLength: 512 }',
      // The diversity stages' numbers are compared like the rest; one problem's measures show that as well as two.
      'diversity: { problems: 1 }',
      'reportSamples: 1',
      '',
    ].join('\n'),
  );
});

function maft(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [executable, ...prefix] = cliCommand();
  const result = spawnSync(executable as string, [...prefix, ...args], { encoding: 'utf8', timeout: 3_600_000 });
  if (result.status !== 0)
    throw new Error(`maft ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-1500)}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const results = (run: string) =>
  JSON.parse(readFileSync(path.join(run, 'artifacts', 'results.json'), 'utf8')) as RunResults;
/** Everything but wall times and the write time. */
const numbers = ({ updatedAt: _at, scores, training, ...rest }: RunResults) => ({
  ...rest,
  scores: scores.map(({ modelSeconds: _seconds, ...score }) => score),
  training: training.map(({ seconds: _seconds, ...curve }) => curve),
});

describe('the stage commands and maft run', () => {
  it('give the same results.json, and maft run continues a directory the commands wrote', () => {
    const staged = path.join(directory, 'staged');
    maft('debate', '--config', configFile, '--run', staged, '--split', 'eval');
    maft('debate', '--run', staged, '--split', 'finetune');
    for (const method of finetuned) {
      for (const iteration of ['1', '2']) {
        const stage = ['--method', method, '--iteration', iteration];
        if (iteration === '2') maft('debate', '--run', staged, '--split', 'finetune', ...stage);
        const data = JSON.parse(maft('build-data', staged, ...stage, '--json').stdout) as {
          stage: string;
          directory: string;
        };
        expect(data).toMatchObject({
          stage: `${method}/iteration-${iteration}/data`,
          directory: `artifacts/data/${method}/iteration-${iteration}`,
        });
        maft('finetune', staged, ...stage);
        const evaluated = JSON.parse(maft('eval', staged, ...stage, '--json').stdout) as {
          stage: string;
          problems: number;
        };
        expect(evaluated).toMatchObject({ stage: `${method}/iteration-${iteration}/eval`, problems: 2 });
      }
    }
    const byStages = results(staged);
    // 9 stages and the 3 diversity stages `maft debate --split eval` and `maft eval` run after their debates.
    expect(byStages.progress).toEqual({ done: 12, total: 12, finished: true });
    expect(byStages.diversity.map((score) => `${score.method}@${score.iteration}`)).toEqual([
      'debate@0',
      'multiagent-ft@1',
      'multiagent-ft@2',
    ]);
    // The models really trained on the commands' route (a skipped job would leave its comparison empty).
    const registry = JSON.parse(
      readFileSync(path.join(staged, 'artifacts', 'models', 'registry.json'), 'utf8'),
    ) as ModelRegistry;
    for (const method of finetuned)
      expect(
        registry.entries.some((entry) => entry.method === method && entry.status === 'succeeded'),
        method,
      ).toBe(true);
    expect(maft('status', staged).stdout).toContain('finished');

    const continued = maft('run', configFile, '--run', staged);
    expect(continued.stderr).toContain('resuming');
    expect(numbers(results(staged))).toEqual(numbers(byStages));

    const whole = path.join(directory, 'whole');
    maft('run', configFile, '--run', whole);
    expect(numbers(results(whole))).toEqual(numbers(byStages));
    expect(results(whole).scores.map((score) => `${score.method}@${score.iteration}`)).toEqual([
      'base@0',
      'majority@0',
      'debate@0',
      'multiagent-ft@0',
      'multiagent-ft@1',
      'multiagent-ft@2',
    ]);
  });
});
