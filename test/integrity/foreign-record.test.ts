/**
 * A run's numbers come only from its own records. A record written under another config (2 agents × 1 round)
 * appended to a finished run's held-out records is refused by `maft run`, `maft eval` and `maft status` (the
 * real executable), naming the file and line, and nothing is rescored or rewritten. A torn last line in a
 * finished stage is refused by `maft status`, and `maft run` reopens the stage, says so, redoes the missing
 * problem, and ends with the same numbers on all 3 problems.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';
import { runCli } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('foreign');
const at = (...parts: string[]) => path.join(directory, ...parts);
const configText = (agents: number) =>
  [
    'task: { name: arithmetic, options: { max: 9 } }',
    'split: { finetuneCount: 3, evalCount: 3 }',
    'methods: [base, majority, debate]',
    'iterations: 0',
    `society: { agents: ${agents}, rounds: 1 }`,
    'sampling: { maxTokens: 64 }',
    `backend: { kind: llama-cpp, model: ${JSON.stringify(shippedBaseModel)}, threads: 1, contextSize: 1024 }`,
    'problemConcurrency: 1',
    '',
  ].join('\n');
const records = (run: string) => path.join(run, 'records', 'base', 'eval.jsonl');
const results = (run: string) =>
  JSON.parse(readFileSync(path.join(run, 'artifacts', 'results.json'), 'utf8')) as RunResults;
const scores = (run: string) => results(run).scores.map(({ modelSeconds: _seconds, ...rest }) => rest);

beforeAll(async () => {
  writeFileSync(at('three.yaml'), configText(3));
  writeFileSync(at('two.yaml'), configText(2));
  for (const [config, run] of [
    ['three.yaml', 'three'],
    ['two.yaml', 'two'],
  ] as const) {
    const made = await runInProcess(['run', at(config), '--run', at(run)]);
    expect(made.status, made.stderr.slice(-1500)).toBe(0);
  }
}, 600_000);

describe('a record from another run', () => {
  it('is refused by maft run, maft eval and maft status, naming file and line; nothing is rescored', () => {
    const run = at('with-foreign');
    cpSync(at('three'), run, { recursive: true });
    const foreign = readFileSync(records(at('two')), 'utf8').split('\n')[0] as string;
    writeFileSync(records(run), `${foreign}\n`, { flag: 'a' });
    const before = snapshotDirectory(run);
    for (const args of [
      ['run', at('three.yaml'), '--run', run],
      ['eval', run],
      ['status', run],
    ]) {
      const result = runCli(args);
      expect(result.status, `${args[0]}: ${result.stdout}`).not.toBe(0);
      expect(result.stderr.trim().split('\n'), args[0]).toHaveLength(1);
      expect(result.stderr).toContain(`${records(run)}:4: producer.config: written under another config`);
      expect(result.stdout, args[0]).not.toMatch(/problems: 4|4\/3/);
      expect(snapshotDirectory(run), args[0]).toEqual(before);
    }
  });
});

describe('a torn last line in a finished stage', () => {
  it('is refused by maft status; maft run reopens the stage, says so, and redoes the problem to the same numbers', async () => {
    const run = at('torn');
    cpSync(at('three'), run, { recursive: true });
    writeFileSync(records(run), readFileSync(records(run)).subarray(0, -30));
    const status = await runInProcess(['status', run]);
    expect(status.status).not.toBe(0);
    expect(status.stderr).toMatch(/eval\.jsonl:3: torn last line .*marked done/);

    const repaired = await runInProcess(['run', at('three.yaml'), '--run', run]);
    expect(repaired.status, repaired.stderr.slice(-1500)).toBe(0);
    expect(repaired.stderr).toMatch(
      /eval\.jsonl: torn last line 3 .* stage base\/eval was done but holds 2 of 3 records: reopened to redo 1 problem/,
    );
    for (const score of results(run).scores) expect(score.problems).toBe(3);
    expect(scores(run)).toEqual(scores(at('three')));
    const after = await runInProcess(['status', run]);
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain('3/3');
  });
});
