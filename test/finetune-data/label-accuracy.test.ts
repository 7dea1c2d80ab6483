/**
 * How often the finetuning labels are right (src/finetune-data/label-accuracy.ts): graded the eval's way
 * (equivalent forms count), counted per model next to the data, and never an input to the rows.
 */
import { describe, expect, it } from 'vitest';
import { MaftError } from '../../src/errors/maft-error.js';
import { countFirstRoundRight, countRightRows, groundTruthsOf } from '../../src/finetune-data/label-accuracy.js';
import { buildDebateMethodData, buildStarMethodData } from '../../src/finetune-data/method-data.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';
import type { DebateTranscript, StarRecord } from '../../src/spec/debate.js';
import { fiveDebates, makeTranscript } from './debate-fixtures.js';

const withTruth = (transcript: DebateTranscript, groundTruth: string): DebateTranscript => ({
  ...transcript,
  groundTruth,
});
const row = (problemId: string, answer: string): TrainingRow => ({
  prompt: [{ role: 'user', content: `Solve ${problemId}.` }],
  completion: { role: 'assistant', content: `\\boxed{${answer}}` },
  metadata: {
    agent: 0,
    role: 'generator',
    iteration: 1,
    problemId,
    sourceRound: 1,
    kind: 'generator',
    answer,
    majority: answer,
  },
});

/** fiveDebates() with ground truths: p2's `0.50` is an equivalent form of the agents' 0.5 and 1/2. */
const graded = () => {
  const truths: Record<string, string> = { p1: '5', p2: '0.50', p3: '9', p4: '1', p5: '2' };
  return fiveDebates().map((transcript) => withTruth(transcript, truths[transcript.problemId] as string));
};
const settings = { iteration: 1, correctedShare: 2 / 3, criticMix: 'all' as const, seed: 0, critics: true };

describe('countRightRows', () => {
  it('counts an answer in an equivalent numeric form as right, a different number as wrong', () => {
    const truths = groundTruthsOf([withTruth(makeTranscript('q', [['x']], ['x']), '0.5')]);
    expect(countRightRows([row('q', '1/2')], truths)).toBe(1);
    expect(countRightRows([row('q', '0.50')], truths)).toBe(1);
    expect(countRightRows([row('q', '0.51')], truths)).toBe(0);
    expect(countRightRows([row('q', '1/2'), row('q', '2'), row('q', '.5')], truths)).toBe(2);
  });

  it('grades a math answer by the math checker, not by its text', () => {
    const math = withTruth(makeTranscript('m', [['x']], ['x'], { answerType: 'math' }), '\\frac{1}{2}');
    const truths = groundTruthsOf([math]);
    expect(countRightRows([row('m', '\\dfrac{1}{2}'), row('m', '0.5'), row('m', '\\frac{1}{3}')], truths)).toBe(2);
  });

  it('refuses a row of a problem it has no record of (a bug, never a silent wrong count)', () => {
    expect(() => countRightRows([row('elsewhere', '1')], groundTruthsOf(graded()))).toThrow(MaftError);
  });
});

describe('the counts next to each method’s data', () => {
  it('counts multiagent FT’s generator and critic rows right per agent, with each agent’s round 1 as reference', () => {
    const data = buildDebateMethodData('multiagent-ft', graded(), settings);
    // Hand-counted from debate-fixtures.ts (p3's final majority 4 is wrong; p5's 2 is right):
    // agent 0: generators p1 5 ✓, p2 0.5 ✓; critics p1 5 ✓, p2 1/2 ✓, p3 4 ✗, p5 2 ✓; round 1 5 ✓ 0.5 ✓ – – 1 ✗.
    // agent 1: generators 5 ✓, 1/2 ✓, 4 ✗, 2 ✓; critics 5 ✓, 0.5 ✓, 4 ✗; round 1 5 ✓ 1/2 ✓ 4 ✗ – 2 ✓.
    // agent 2: no generators; critics 5 ✓, 0.5 ✓; round 1 7 ✗ 3 ✗ 9 ✓ – 3 ✗.
    expect(
      data.sizes.map(
        ({ agent, generator, generatorRight, critic, criticRight, firstRoundRight, firstRoundReplies }) => ({
          agent,
          generator,
          generatorRight,
          critic,
          criticRight,
          firstRoundRight,
          firstRoundReplies,
        }),
      ),
    ).toEqual([
      {
        agent: 0,
        generator: 2,
        generatorRight: 2,
        critic: 4,
        criticRight: 3,
        firstRoundRight: 2,
        firstRoundReplies: 5,
      },
      {
        agent: 1,
        generator: 4,
        generatorRight: 3,
        critic: 3,
        criticRight: 2,
        firstRoundRight: 3,
        firstRoundReplies: 5,
      },
      {
        agent: 2,
        generator: 0,
        generatorRight: 0,
        critic: 2,
        criticRight: 2,
        firstRoundRight: 1,
        firstRoundReplies: 5,
      },
    ]);
  });

  it('counts a pooled model’s rows over every agent (majority FT: its round-1 majority rows)', () => {
    const [size] = buildDebateMethodData('majority-ft', graded(), settings).sizes;
    // a0 p1 5 ✓, p2 0.5 ✓, p5 1 ✗; a1 p1 5 ✓, p2 1/2 ✓; a2 p3 9 ✓.
    expect(size).toMatchObject({ generator: 6, generatorRight: 5, critic: 0, criticRight: 0 });
    expect(size).toMatchObject({ firstRoundRight: 6, firstRoundReplies: 15 });
    const [pooled] = buildDebateMethodData('single-agent-ft', graded(), settings).sizes;
    expect(pooled).toMatchObject({ generator: 6, generatorRight: 5, critic: 9, criticRight: 7, firstRoundRight: 6 });
  });

  it('never lets the ground truth reach the rows: other truths, the same datasets', () => {
    const one = buildDebateMethodData('multiagent-ft', graded(), settings);
    const other = buildDebateMethodData(
      'multiagent-ft',
      graded().map((transcript) => withTruth(transcript, '123')),
      settings,
    );
    expect(other.datasets).toEqual(one.datasets);
    expect(JSON.stringify(one.datasets)).not.toContain('0.50');
    expect(other.sizes.map((size) => [size.generatorRight, size.criticRight, size.firstRoundRight])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('counts STaR’s first answers (right by construction) and its first attempts as the reference', () => {
    const attempt = (id: string, first: string | null): StarRecord => ({
      problemId: id,
      attempt: withTruth(makeTranscript(id, [[first]], [first]), '1/4'),
    });
    const [size] = buildStarMethodData([attempt('a', '0.25'), attempt('b', '3'), attempt('c', null)], 1).sizes;
    expect(size).toMatchObject({ generator: 1, generatorRight: 1, firstRoundRight: 1, firstRoundReplies: 3 });
  });

  it('takes the reference from round 1 only, a missing answer counting as wrong', () => {
    expect(countFirstRoundRight(graded(), null)).toEqual({ firstRoundReplies: 15, firstRoundRight: 6 });
    expect(countFirstRoundRight(graded(), 2)).toEqual({ firstRoundReplies: 5, firstRoundRight: 1 });
  });
});
