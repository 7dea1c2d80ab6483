import { describe, expect, it } from 'vitest';
import { accuracyOf, evaluateDebates } from '../../src/evaluate/metrics.js';
import type { AgentTranscript, DebateTranscript } from '../../src/spec/debate.js';
import { majorityVote } from '../../src/vote/majority-vote.js';
import { isEquivalent } from '../../src/grading/equivalence.js';
import { createRandom } from '../../src/util/random.js';

/** A transcript from answers[agent][round], with 10 prompt / 5 completion tokens per call. */
function transcript(id: string, truth: string, answers: (string | null)[][]): DebateTranscript {
  const rounds = answers[0]?.length ?? 0;
  const agents: AgentTranscript[] = answers.map((row, agent) => ({
    agent,
    conversation: [],
    turns: row.map((answer, index) => ({
      round: index + 1,
      role: index === 0 ? 'generator' : 'critic',
      shownAgents: [],
      response: {
        text: answer ?? '…',
        finishReason: answer === null ? 'length' : 'stop',
        usage: { promptTokens: 10, completionTokens: 5 },
        modelId: 'm',
        seed: 0,
        durationMs: 2,
      },
      answer,
    })),
  }));
  const votes = Array.from({ length: rounds }, (_, round) =>
    majorityVote(
      answers.map((row) => row[round] ?? null),
      (a, b) => isEquivalent(a, b, 'numeric'),
      createRandom(1),
    ),
  );
  return { problemId: id, question: id, groundTruth: truth, answerType: 'numeric', agents, votes };
}

describe('evaluateDebates', () => {
  it('scores the final vote, per round and per agent, counting missing answers as wrong', () => {
    const metrics = evaluateDebates([
      // round 1: majority 5 (wrong); round 2: 4 (right)
      transcript('a', '4', [
        ['5', '4'],
        ['5', '4'],
        ['4', '4'],
      ]),
      // all wrong, one agent never answers
      transcript('b', '1', [
        ['2', '2'],
        ['2', '2'],
        [null, null],
      ]),
      // no answer at all: counts in the denominator
      transcript('c', '7', [
        [null, null],
        [null, null],
        [null, null],
      ]),
      transcript('d', '0', [
        ['0', '0'],
        ['1', '0.0'],
        ['0', '1'],
      ]),
    ]);
    expect(metrics.problems).toBe(4);
    expect(metrics.accuracy).toBe(0.5);
    expect(metrics.standardError).toBeCloseTo(Math.sqrt(0.25 / 4), 12);
    expect(metrics.perRound.map((round) => round.accuracy)).toEqual([0.25, 0.5]);
    expect(metrics.perAgent.map((agent) => agent.perRound.map((round) => round.accuracy))).toEqual([
      [0.25, 0.5],
      [0, 0.5],
      [0.5, 0.25],
    ]);
    // consensus: a 3/3, b 2/3, c 0, d 2/3
    expect(metrics.consensus).toBeCloseTo((1 + 2 / 3 + 0 + 2 / 3) / 4, 12);
    // one definition of the no-answer rate: the scored answer (the final vote) — only c has none
    expect(metrics.noAnswerRate).toBe(1 / 4);
    expect(metrics.unparsedReplyRate).toBe(8 / 24);
    expect(metrics.truncatedReplyRate).toBe(8 / 24);
    expect([metrics.tokens, metrics.promptTokens, metrics.completionTokens]).toEqual([360, 240, 120]);
    expect(metrics.modelSeconds).toBeCloseTo(0.048, 12);
  });

  it('gives a standard error of sqrt(p(1-p)/n)', () => {
    expect(accuracyOf(30, 100)).toEqual({ accuracy: 0.3, standardError: Math.sqrt(0.21 / 100) });
    expect(accuracyOf(0, 0)).toEqual({ accuracy: 0, standardError: 0 });
  });
});
