/**
 * Answer changes between rounds (docs/answer-changes.md), counted by hand on hand-built debates: every
 * transition and every case of what the others said, for N = 1, 3 and 5, missing answers, and a critic shown
 * only some of the others (`society.maxOthers`).
 */
import { describe, expect, it } from 'vitest';
import { classifyOthers, countAnswerChanges } from '../../src/evaluate/answer-changes.js';
import { evaluateDebates } from '../../src/evaluate/metrics.js';
import { formatMetrics } from '../../src/evaluate/format-metrics.js';
import { isEquivalent } from '../../src/grading/equivalence.js';
import type { AgentTranscript, DebateTranscript } from '../../src/spec/debate.js';
import { majorityVote } from '../../src/vote/majority-vote.js';
import { createRandom } from '../../src/util/random.js';

const same = (a: string, b: string) => isEquivalent(a, b, 'numeric');

/**
 * A numeric debate from rounds[round][agent]; each critic is shown every other agent (as the debate does by
 * default) unless `shown` says whom.
 */
function debate(
  id: string,
  truth: string,
  rounds: (string | null)[][],
  shown?: (agent: number) => number[],
): DebateTranscript {
  const count = rounds[0]?.length ?? 0;
  const agents: AgentTranscript[] = Array.from({ length: count }, (_, agent) => ({
    agent,
    conversation: [],
    turns: rounds.map((answers, index) => ({
      round: index + 1,
      role: index === 0 ? 'generator' : 'critic',
      shownAgents:
        index === 0 || count === 1
          ? []
          : (shown?.(agent) ?? Array.from({ length: count }, (_, other) => other).filter((other) => other !== agent)),
      response: {
        text: answers[agent] ?? '…',
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 1 },
        modelId: 'hand-made',
        seed: 0,
        durationMs: 0,
      },
      answer: answers[agent] ?? null,
    })),
  }));
  const votes = rounds.map((answers) => majorityVote(answers, same, createRandom(1)));
  return { problemId: id, question: id, groundTruth: truth, answerType: 'numeric', agents, votes };
}

const none = { turns: 0, kept: 0, endedRight: 0 };

describe('answer changes between rounds', () => {
  it('counts every transition and every case of what the others said (N = 3)', () => {
    const changes = countAnswerChanges([
      // all confirmed: two keep the right answer, one leaves it
      debate('a', '4', [
        ['4', '4', '4'],
        ['4', '4', '5'],
      ]),
      // agent 0 right but contradicted (5, 5) and gives in; agents 1, 2 see 4 and 5 (mixed) and keep 5
      debate('b', '4', [
        ['4', '5', '5'],
        ['5', '5', '5'],
      ]),
      // agents 0, 1 see 5 and 4 (mixed): 0 moves to the right 4, 1 to another wrong 6; agent 2 keeps its
      // right 4 against 5, 5 (contradicted)
      debate('c', '4', [
        ['5', '5', '4'],
        ['4', '6', '4'],
      ]),
    ]);
    expect(changes).toEqual([
      {
        round: 2,
        turns: 9,
        rightToRight: 3,
        rightToWrong: 2,
        wrongToRight: 1,
        wrongToSameWrong: 2,
        wrongToOtherWrong: 1,
        fromNoAnswer: 0,
        toNoAnswer: 0,
        confirmed: { turns: 3, kept: 2, endedRight: 2 },
        contradicted: { turns: 2, kept: 1, endedRight: 1 },
        mixed: { turns: 4, kept: 2, endedRight: 1 },
      },
    ]);
  });

  it('counts a missing answer as wrong, never the same as another, and its case as mixed', () => {
    const changes = countAnswerChanges([
      // agent 0 had none and the others agree on 4: still mixed (own answer missing); agent 1 loses its answer;
      // agent 2 keeps 4 as 4.0 (equivalent, so kept)
      debate('d', '4', [
        [null, '4', '4'],
        ['4', null, '4.0'],
      ]),
      // no answer → no answer: wrong → other wrong (nothing kept); agents 1, 2 keep a wrong 7, mixed (one shown
      // answer missing)
      debate('e', '4', [
        [null, '7', '7'],
        [null, '7', '7'],
      ]),
    ]);
    expect(changes).toEqual([
      {
        round: 2,
        turns: 6,
        rightToRight: 1,
        rightToWrong: 1,
        wrongToRight: 1,
        wrongToSameWrong: 2,
        wrongToOtherWrong: 1,
        fromNoAnswer: 2,
        toNoAnswer: 2,
        confirmed: none,
        contradicted: none,
        mixed: { turns: 6, kept: 3, endedRight: 2 },
      },
    ]);
  });

  it('with N = 1 counts the transitions of every round and no case (there are no others)', () => {
    const changes = countAnswerChanges([
      debate('f', '4', [['5'], ['4'], ['4']]),
      debate('g', '4', [['4'], [null], ['4']]),
    ]);
    const cases = { confirmed: none, contradicted: none, mixed: none };
    expect(changes).toEqual([
      {
        round: 2,
        turns: 2,
        ...{ rightToRight: 0, rightToWrong: 1, wrongToRight: 1, wrongToSameWrong: 0, wrongToOtherWrong: 0 },
        fromNoAnswer: 0,
        toNoAnswer: 1,
        ...cases,
      },
      {
        round: 3,
        turns: 2,
        ...{ rightToRight: 1, rightToWrong: 0, wrongToRight: 1, wrongToSameWrong: 0, wrongToOtherWrong: 0 },
        fromNoAnswer: 1,
        toNoAnswer: 0,
        ...cases,
      },
    ]);
  });

  it('with N = 5: confirmed needs all four others, contradicted all four agreeing (by equivalence) on another answer', () => {
    const changes = countAnswerChanges([
      // agents 0–3 see one dissenting 8: mixed; agent 4 sees 3, 3, 3, 3: contradicted, and moves to 3
      debate('h', '3', [
        ['3', '3', '3', '3', '8'],
        ['3', '3', '3', '3', '3'],
      ]),
      // everyone confirmed on a wrong 2; agent 4 still finds the right 3
      debate('i', '3', [
        ['2', '2', '2', '2', '2'],
        ['2', '2', '2', '2', '3'],
      ]),
      // agent 0's 7 against 6, 6.0, 6, 6 (one answer by equivalence): contradicted, kept; the rest mixed
      debate('j', '6', [
        ['7', '6', '6.0', '6', '6'],
        ['7', '6', '6', '6', '6'],
      ]),
    ]);
    expect(changes).toEqual([
      {
        round: 2,
        turns: 15,
        rightToRight: 8,
        rightToWrong: 0,
        wrongToRight: 2,
        wrongToSameWrong: 5,
        wrongToOtherWrong: 0,
        fromNoAnswer: 0,
        toNoAnswer: 0,
        confirmed: { turns: 5, kept: 4, endedRight: 1 },
        contradicted: { turns: 2, kept: 1, endedRight: 1 },
        mixed: { turns: 8, kept: 8, endedRight: 8 },
      },
    ]);
  });

  it('judges by the others the critic was shown (society.maxOthers), not by every other agent', () => {
    // N = 3, each shown one other: agent 0 sees agent 1 (4: confirmed), agent 1 sees agent 2 (9: contradicted),
    // agent 2 sees agent 0 (4: contradicted).
    const [changes] = countAnswerChanges([
      debate(
        'k',
        '4',
        [
          ['4', '4', '9'],
          ['4', '4', '4'],
        ],
        (agent) => [(agent + 1) % 3],
      ),
    ]);
    expect(changes).toMatchObject({
      confirmed: { turns: 1, kept: 1, endedRight: 1 },
      contradicted: { turns: 2, kept: 1, endedRight: 2 },
      mixed: none,
    });
  });

  it('classifies one turn from its own and the shown answers', () => {
    expect(classifyOthers('1', [], same)).toBeNull();
    expect(classifyOthers('1', ['1', '1.0'], same)).toBe('confirmed');
    expect(classifyOthers('1', ['2', '2'], same)).toBe('contradicted');
    expect(classifyOthers('1', ['2'], same)).toBe('contradicted');
    expect(classifyOthers('1', ['2', '3'], same)).toBe('mixed');
    expect(classifyOthers('1', ['1', '2'], same)).toBe('mixed');
    expect(classifyOthers(null, ['2', '2'], same)).toBe('mixed');
    expect(classifyOthers('1', ['1', null], same)).toBe('mixed');
  });

  it('is part of the debate metrics and their terminal table; one-round debates have none', () => {
    const debates = [
      debate('b', '4', [
        ['4', '5', '5'],
        ['5', '5', '5'],
      ]),
    ];
    const metrics = evaluateDebates(debates);
    expect(metrics.answerChanges).toEqual(countAnswerChanges(debates));
    const table = formatMetrics(metrics, 'run');
    expect(table).toContain(
      '  round 1 → 2       right→right 0 · right→wrong 1 · wrong→right 0 · wrong→same wrong 2 · wrong→other wrong 0  (3 answers; no answer: 0 before, 0 after)\n',
    );
    expect(table).toContain(
      '    others said     confirmed 0: kept 0, right 0 · contradicted 1: kept 0, right 0 · mixed 2: kept 2, right 0\n',
    );
    expect(evaluateDebates([debate('one', '4', [['4', '5', '5']])]).answerChanges).toEqual([]);
  });
});
