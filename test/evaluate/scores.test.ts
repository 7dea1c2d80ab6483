/**
 * How each method is scored from the held-out debates (hand-computed on five 3-agent, 2-round debates whose
 * ground truth is the first agent's round-1 answer in some and the final vote in others).
 */
import { describe, expect, it } from 'vitest';
import { computeScores, scoreSource, scoreTranscripts } from '../../src/evaluate/scores.js';
import { makeTranscript } from '../finetune-data/debate-fixtures.js';

// groundTruth is '0' in every fixture transcript; answers chosen so each selection scores differently.
const debates = [
  makeTranscript(
    'p1',
    [
      ['0', '7', '7'],
      ['7', '7', '7'],
    ],
    ['7', '7'],
  ), // base right, round-1 vote wrong, final wrong
  makeTranscript(
    'p2',
    [
      ['3', '0', '0'],
      ['0', '0', '0'],
    ],
    ['0', '0'],
  ), // base wrong, vote right, final right
  makeTranscript(
    'p3',
    [
      ['5', '6', '0'],
      ['0', '0', '6'],
    ],
    ['5', '0'],
  ), // base wrong, round-1 vote wrong (tie), final right
  makeTranscript(
    'p4',
    [
      [null, null, null],
      [null, null, null],
    ],
    [null, null],
  ), // nothing: wrong everywhere
];

describe('scoring the methods', () => {
  it("reads base off agent 0's first answer, majority off the round-1 vote, debate off the final vote", () => {
    expect(scoreTranscripts('base', 0, debates, 'first-answer')).toMatchObject({
      problems: 4,
      correct: 1,
      accuracy: 0.25,
      noAnswerRate: 0.25,
    });
    expect(scoreTranscripts('majority', 0, debates, 'first-vote')).toMatchObject({ correct: 1, accuracy: 0.25 });
    const debate = scoreTranscripts('debate', 0, debates, 'final-vote');
    expect(debate).toMatchObject({ correct: 2, accuracy: 0.5 });
    expect(debate.standardError).toBeCloseTo(Math.sqrt(0.25 / 4), 12);
    // Each agent's own final answers: agent 0 right on p2, p3; agent 1 on p2, p3; agent 2 on p2.
    expect(debate.perAgentAccuracy).toEqual([0.5, 0.5, 0.25]);
    // Answer changes (docs/answer-changes.md), by hand: p1 agent 0 leaves its right 0 for the others' 7
    // (contradicted), agents 1, 2 keep 7 (mixed); p2 agent 0 takes the others' 0 (contradicted), 1, 2 keep it;
    // p3 everyone mixed: 0 → 6 once, to 0 twice; p4 no answer → no answer three times (mixed).
    expect(debate.answerChanges).toEqual([
      {
        round: 2,
        turns: 12,
        rightToRight: 2,
        rightToWrong: 2,
        wrongToRight: 3,
        wrongToSameWrong: 2,
        wrongToOtherWrong: 3,
        fromNoAnswer: 3,
        toNoAnswer: 3,
        confirmed: { turns: 0, kept: 0, endedRight: 0 },
        contradicted: { turns: 2, kept: 0, endedRight: 1 },
        mixed: { turns: 10, kept: 4, endedRight: 4 },
      },
    ]);
    // Scored off round 1 alone: no answer changes.
    expect(scoreTranscripts('majority', 0, debates, 'first-vote').answerChanges).toBeUndefined();
    expect(scoreTranscripts('base', 0, debates, 'first-answer').answerChanges).toBeUndefined();
  });

  it("carries the debate's first-round agreement on the scores a debate's final vote gives (results.json)", () => {
    // Round 1 by hand: p1 0, 7, 7 (2 distinct); p2 3, 0, 0 (2); p3 5, 6, 0 (3); p4 three missing answers (3, each
    // distinct). None unanimous.
    expect(scoreTranscripts('debate', 0, debates, 'final-vote').firstRoundAgreement).toEqual({
      problems: 4,
      meanDistinctAnswers: 10 / 4,
      anyRight: 3, // a 0 among p1's, p2's and p3's first answers; none in p4
      unanimous: 0,
      unanimousRight: 0,
      unanimousWrong: 0,
      unanimousWrongEndedRight: 0,
    });
    // A unanimous wrong 7 the final vote fixes, and one it does not.
    const unanimous = [
      makeTranscript(
        'p5',
        [
          ['7', '7', '7'],
          ['0', '0', '7'],
        ],
        ['7', '0'],
      ),
      makeTranscript(
        'p6',
        [
          ['7', '7.0', '7'],
          ['7', '7', '7'],
        ],
        ['7', '7'],
      ),
    ];
    expect(scoreTranscripts('multiagent-ft', 1, unanimous, 'final-vote').firstRoundAgreement).toMatchObject({
      problems: 2,
      meanDistinctAnswers: 1,
      unanimousWrong: 2,
      unanimousWrongEndedRight: 1,
    });
    // Not on the scores of one answer or of round 1's vote, nor for a society of one agent.
    expect(scoreTranscripts('majority', 0, debates, 'first-vote')).not.toHaveProperty('firstRoundAgreement');
    expect(scoreTranscripts('base', 0, debates, 'first-answer')).not.toHaveProperty('firstRoundAgreement');
    const alone = [makeTranscript('p7', [['0'], ['0']], ['0', '0'])];
    expect(scoreTranscripts('debate', 0, alone, 'final-vote')).not.toHaveProperty('firstRoundAgreement');
  });

  it('counts the tokens of the calls each method used: one, N, or all of them', () => {
    // Every fixture call has 1 prompt + 1 completion token.
    expect(scoreTranscripts('base', 0, debates, 'first-answer').tokens).toBe(4 * 2);
    expect(scoreTranscripts('majority', 0, debates, 'first-vote').tokens).toBe(4 * 3 * 2);
    expect(scoreTranscripts('debate', 0, debates, 'final-vote').tokens).toBe(4 * 6 * 2);
  });

  it('scores iteration 0 of a finetuning method as the base society, later ones from its own evaluation', () => {
    expect(scoreSource('multiagent-ft', 0)).toEqual({ stage: 'base/eval', selection: 'final-vote' });
    expect(scoreSource('majority-ft', 0)).toEqual({ stage: 'base/eval', selection: 'first-vote' });
    expect(scoreSource('star', 0)).toEqual({ stage: 'base/eval', selection: 'first-answer' });
    expect(scoreSource('star', 2)).toEqual({ stage: 'star/iteration-2/eval', selection: 'first-answer' });
    expect(scoreSource('majority-ft', 1)).toEqual({ stage: 'majority-ft/iteration-1/eval', selection: 'final-vote' });
    const scores = computeScores(
      ['debate', 'multiagent-ft'],
      2,
      new Map([
        ['base/eval', debates],
        ['multiagent-ft/iteration-1/eval', debates.slice(1)],
      ]),
    );
    expect(scores.map((score) => [score.method, score.iteration, score.correct, score.problems])).toEqual([
      ['debate', 0, 2, 4],
      ['multiagent-ft', 0, 2, 4],
      ['multiagent-ft', 1, 2, 3], // iteration 2 not evaluated yet: absent
    ]);
  });
});
