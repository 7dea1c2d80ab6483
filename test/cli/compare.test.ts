/**
 * `maft compare` on a hand-made run whose held-out records are known: the base society's debate and multiagent
 * FT's iteration 1, each right on chosen problems, so every count it prints is known; then the errors a user
 * meets (a method the run lacks, an iteration past L, a stage not done, another run on other problems).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { openRun } from '../../src/run-store/open-run.js';
import { baseEvalStage, stageId } from '../../src/run-store/run-plan.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { makeTranscript } from '../finetune-data/debate-fixtures.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('compare');
const run = path.join(directory, 'run');
const otherSplit = path.join(directory, 'other-split');
const gsm8kA = path.join(directory, 'gsm8k-a');
const gsm8kB = path.join(directory, 'gsm8k-b');

/** A run of `evalCount` held-out problems with base/eval and (given) multiagent-ft/iteration-1/eval done. */
async function makeRun(
  where: string,
  seed: number,
  right: Record<string, (index: number) => boolean>,
  task: Record<string, unknown> = { name: 'arithmetic', options: { max: 9 } },
) {
  const settings = {
    task,
    methods: ['base', 'majority', 'debate', 'multiagent-ft'],
    iterations: 2,
    split: { finetuneCount: 2, evalCount: 10, seed },
    backend: { kind: 'llama-cpp', model: path.join(directory, 'absent.gguf') },
  };
  const { config, evalProblems } = await resolveRunConfig(settings, 'test config');
  const opened = openRun(where, config, { command: ['test'] });
  for (const [stage, isRight] of Object.entries(right)) {
    const log = opened.log<DebateTranscript>(stage, { keyOf: (transcript) => transcript.problemId });
    opened.markStage(stage, 'running');
    evalProblems.forEach((problem, index) => {
      // Round 1: agent 0 right on even problems; the final vote right where `isRight` says.
      const first = index % 2 === 0 ? '0' : '1';
      const final = isRight(index) ? '0' : '7';
      const transcript = makeTranscript(
        problem.id,
        [
          [first, '1', '1'],
          [final, final, final],
        ],
        ['1', final],
      );
      log.append({ ...transcript, question: problem.question });
    });
    opened.markStage(stage, 'done');
  }
  opened.close();
}

beforeAll(async () => {
  await makeRun(run, 0, {
    [baseEvalStage]: (index) => index < 6, // the debate: 6 of 10
    [stageId('multiagent-ft', 1, 'eval')]: (index) => index >= 2 && index < 10, // 8 of 10: 4 only here, 2 only there
  });
  await makeRun(otherSplit, 1, { [baseEvalStage]: () => true });
  // Two GSM8K files of one name in two folders: the same ids (`gsm8k/test/<line>`), other questions.
  for (const [folder, offset] of [
    ['a', 0],
    ['b', 100],
  ] as const) {
    mkdirSync(path.join(directory, folder), { recursive: true });
    const lines = Array.from({ length: 12 }, (_, index) =>
      JSON.stringify({ question: `What is ${index + offset} + 1?`, answer: `#### ${index + offset + 1}` }),
    );
    writeFileSync(path.join(directory, folder, 'test.jsonl'), `${lines.join('\n')}\n`);
  }
  const gsm8k = (folder: string) => ({ name: 'gsm8k', options: { path: path.join(directory, folder, 'test.jsonl') } });
  await makeRun(gsm8kA, 0, { [baseEvalStage]: () => true }, gsm8k('a'));
  await makeRun(gsm8kB, 0, { [baseEvalStage]: () => true }, gsm8k('b'));
});

describe('maft compare', () => {
  it('prints both scores and their difference unpaired and paired, with the discordant counts', async () => {
    const result = await runInProcess(['compare', run, 'multiagent-ft@1', 'debate']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('10 held-out problems, the same for both');
    expect(result.stdout).toMatch(/multiagent-ft@1 +80\.0 ± 12\.6 +\(8 right\)/);
    expect(result.stdout).toMatch(/debate +60\.0 ± 15\.5 +\(6 right\)/);
    expect(result.stdout).toContain('discordant: 4 right only under a, 2 only under b');
    const json = JSON.parse((await runInProcess(['compare', run, 'multiagent-ft@1', 'debate', '--json'])).stdout);
    expect(json).toMatchObject({
      a: { name: 'multiagent-ft@1', stage: 'multiagent-ft/iteration-1/eval', correct: 8 },
      b: { name: 'debate', stage: 'base/eval', correct: 6 },
      problems: 10,
      aOnly: 4,
      bOnly: 2,
      barsApart: false,
    });
    expect(json.difference).toBeCloseTo(0.2, 12);
    // base: agent 0's round-1 answer (right on the 5 even problems); majority: the round-1 vote ('1', wrong).
    const base = JSON.parse((await runInProcess(['compare', run, 'base', 'majority', '--json'])).stdout);
    expect(base).toMatchObject({ a: { correct: 5 }, b: { correct: 0 }, aOnly: 5, bOnly: 0 });
    // Iteration 0 of a finetuning method is the base society's debate.
    const zero = JSON.parse((await runInProcess(['compare', run, 'multiagent-ft@0', 'debate', '--json'])).stdout);
    expect(zero).toMatchObject({ a: { stage: 'base/eval', correct: 6 }, aOnly: 0, bOnly: 0, difference: 0 });
  });

  it('refuses two runs whose problems share ids but not questions', async () => {
    const result = await runInProcess(['compare', gsm8kA, 'debate', 'debate', '--against', gsm8kB]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/INPUT_INVALID.*different problems under one id "gsm8k\/test\/\d+"/);
    expect((await runInProcess(['compare', gsm8kA, 'debate', 'debate', '--against', gsm8kA])).status).toBe(0);
  });

  it('refuses what cannot be compared, in one line', async () => {
    const cases: [string[], RegExp][] = [
      [['single-agent-ft@1', 'debate'], /UNKNOWN_NAME.*single-agent-ft is not a method of this run/],
      [['multiagent-ft@3', 'debate'], /expected an iteration from 0 to 2, the run's last of multiagent-ft/],
      [['multiagent-ft', 'debate'], /multiagent-ft: its stage multiagent-ft\/iteration-2\/eval is not done yet/],
      [['nonsense!', 'debate'], /UNKNOWN_NAME.*expected a method of the run, optionally @iteration/],
      [['debate', 'debate', '--against', otherSplit], /INPUT_INVALID.*not scores of the same problems/],
    ];
    for (const [args, message] of cases) {
      const result = await runInProcess(['compare', run, ...args]);
      expect(result.status, args.join(' ')).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });
});
