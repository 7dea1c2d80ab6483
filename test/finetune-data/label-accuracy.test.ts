/**
 * How often the finetuning labels are right (src/finetune-data/label-accuracy.ts): graded the eval's way
 * (equivalent forms count), counted per model next to the data, and never an input to the rows.
 */
import { describe, expect, it } from 'vitest';
import { MaftError } from '../../src/errors/maft-error.js';
import { countFirstRoundRight, countRightRows, groundTruthsOf } from '../../src/finetune-data/label-accuracy.js';
import { buildDebateMethodData, buildStarMethodData } from '../../src/finetune-data/method-data.js';
import { criticKindsOf } from '../../src/report/label-accuracy-grid.js';
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
    // By kind: agent 0's D⁻ p3 4 ✗, p5 2 ✓ and D⁺ p1 ✓ p2 ✓; agent 1 only D⁺ (p1 ✓ p2 ✓ p3 ✗); agent 2 only D⁻.
    expect(
      data.sizes.map(
        ({
          agent,
          generator,
          generatorRight,
          critic,
          criticRight,
          correctedKept,
          criticCorrectedRight,
          firstRoundRight,
          firstRoundReplies,
        }) => ({
          agent,
          generator,
          generatorRight,
          critic,
          criticRight,
          correctedKept,
          criticCorrectedRight,
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
        correctedKept: 2,
        criticCorrectedRight: 1,
        firstRoundRight: 2,
        firstRoundReplies: 5,
      },
      {
        agent: 1,
        generator: 4,
        generatorRight: 3,
        critic: 3,
        criticRight: 2,
        correctedKept: 0,
        criticCorrectedRight: 0,
        firstRoundRight: 3,
        firstRoundReplies: 5,
      },
      {
        agent: 2,
        generator: 0,
        generatorRight: 0,
        critic: 2,
        criticRight: 2,
        correctedKept: 2,
        criticCorrectedRight: 2,
        firstRoundRight: 1,
        firstRoundReplies: 5,
      },
    ]);
  });

  it('counts a pooled model’s rows over every agent (majority FT: its round-1 majority rows)', () => {
    const [size] = buildDebateMethodData('majority-ft', graded(), settings).sizes;
    // a0 p1 5 ✓, p2 0.5 ✓, p5 1 ✗; a1 p1 5 ✓, p2 1/2 ✓; a2 p3 9 ✓.
    expect(size).toMatchObject({ generator: 6, generatorRight: 5, critic: 0, criticRight: 0, criticCorrectedRight: 0 });
    expect(size).toMatchObject({ firstRoundRight: 6, firstRoundReplies: 15 });
    const [pooled] = buildDebateMethodData('single-agent-ft', graded(), settings).sizes;
    expect(pooled).toMatchObject({ generator: 6, generatorRight: 5, critic: 9, criticRight: 7, firstRoundRight: 6 });
    // Every agent's D⁻ rows: a0 p3 ✗ p5 ✓, a2 p1 ✓ p2 ✓; D⁺ the rest: a0 p1 ✓ p2 ✓, a1 p1 ✓ p2 ✓ p3 ✗.
    expect(criticKindsOf(pooled!)).toEqual({ corrected: { rows: 4, right: 3 }, confirmed: { rows: 5, right: 4 } });
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
    expect(
      other.sizes.map((size) => [
        size.generatorRight,
        size.criticRight,
        size.criticCorrectedRight,
        size.firstRoundRight,
      ]),
    ).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('splits each critic’s rows right into D⁻ corrected and D⁺ confirmed, never the other way round', () => {
    const data = buildDebateMethodData('multiagent-ft', graded(), settings);
    expect(data.sizes.map(criticKindsOf)).toEqual([
      { corrected: { rows: 2, right: 1 }, confirmed: { rows: 2, right: 2 } },
      { corrected: { rows: 0, right: 0 }, confirmed: { rows: 3, right: 2 } },
      { corrected: { rows: 2, right: 2 }, confirmed: { rows: 0, right: 0 } },
    ]);
    // Without critics there are no critic rows of either kind.
    const generatorsOnly = buildDebateMethodData('multiagent-ft', graded(), { ...settings, critics: false });
    for (const size of generatorsOnly.sizes)
      expect(criticKindsOf(size)).toEqual({ corrected: { rows: 0, right: 0 }, confirmed: { rows: 0, right: 0 } });
  });

  it('counts the kinds over the critic rows kept after the mix, not over the candidates', () => {
    const mixed = { ...settings, criticMix: 'w' as const, correctedShare: 1 / 3 };
    const data = buildDebateMethodData('multiagent-ft', graded(), mixed);
    const truths = groundTruthsOf(graded());
    for (const size of data.sizes) {
      const rows = data.datasets.find((dataset) => dataset.name === `agent-${size.agent}-critic`)?.rows ?? [];
      const corrected = rows.filter((row) => row.metadata.kind === 'critic-corrected');
      expect(size.correctedKept).toBe(corrected.length);
      expect(size.criticCorrectedRight).toBe(countRightRows(corrected, truths));
      expect(size.criticRight).toBe(countRightRows(rows, truths));
    }
    // The mix dropped a candidate somewhere, so kept and candidates differ (else this test would prove nothing).
    expect(data.sizes.some((size) => size.correctedKept + size.confirmedKept < size.corrected + size.confirmed)).toBe(
      true,
    );
  });

  it('counts STaR’s first answers (right by construction) and its first attempts as the reference', () => {
    const attempt = (id: string, first: string | null): StarRecord => ({
      problemId: id,
      attempt: withTruth(makeTranscript(id, [[first]], [first]), '1/4'),
    });
    const [size] = buildStarMethodData([attempt('a', '0.25'), attempt('b', '3'), attempt('c', null)], 1).sizes;
    expect(size).toMatchObject({ generator: 1, generatorRight: 1, firstRoundRight: 1, firstRoundReplies: 3 });
    expect(size).toMatchObject({ critic: 0, criticRight: 0, criticCorrectedRight: 0 });
  });

  it('takes the reference from round 1 only, a missing answer counting as wrong', () => {
    expect(countFirstRoundRight(graded(), null)).toEqual({ firstRoundReplies: 15, firstRoundRight: 6 });
    expect(countFirstRoundRight(graded(), 2)).toEqual({ firstRoundReplies: 5, firstRoundRight: 1 });
  });
});
