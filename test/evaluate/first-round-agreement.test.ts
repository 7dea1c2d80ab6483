/**
 * First-round agreement (docs/diversity.md, "First-round agreement"), counted by hand on hand-built debates:
 * equivalent answers (`6` and `6.0`) are one answer, a missing answer is distinct from every other (another
 * missing one included), a society of one agent has none, a one-round debate counts, and the count reaches the
 * debate metrics (`maft eval --json`) and their terminal table.
 */
import { describe, expect, it } from 'vitest';
import { countFirstRoundAgreement, distinctAnswers } from '../../src/evaluate/first-round-agreement.js';
import { evaluateDebates } from '../../src/evaluate/metrics.js';
import { formatMetrics } from '../../src/evaluate/format-metrics.js';
import { isEquivalent } from '../../src/grading/equivalence.js';
import { makeTranscript } from '../finetune-data/debate-fixtures.js';

// Every fixture's ground truth is '0'; `winners` are each round's vote.
const same = (a: string, b: string) => isEquivalent(a, b, 'numeric');
/** Unanimous wrong by equivalence (6, 6.0, 6), fixed by the debate. */
const unanimousWrongFixed = () =>
  makeTranscript(
    'b',
    [
      ['6', '6.0', '6'],
      ['0', '0', '6'],
    ],
    ['6', '0'],
  );
/** Three different first answers. */
const allDifferent = () =>
  makeTranscript(
    'f',
    [
      ['1', '2', '0'],
      ['0', '0', '0'],
    ],
    ['1', '0'],
  );

describe('first-round agreement', () => {
  it('clusters answers as the vote does; every missing answer is one more distinct answer', () => {
    expect(distinctAnswers(['6', '6.0', '6'], same)).toBe(1);
    expect(distinctAnswers(['6', '7', '6.0'], same)).toBe(2);
    expect(distinctAnswers(['6', '7', '8'], same)).toBe(3);
    expect(distinctAnswers(['6', null, '6'], same)).toBe(2);
    expect(distinctAnswers([null, null, null], same)).toBe(3);
  });

  it('counts distinct answers, unanimous right and wrong, and the unanimous wrong ones the final vote fixed', () => {
    const agreement = countFirstRoundAgreement([
      // unanimous right, by equivalence (0, 0.0, 0)
      makeTranscript(
        'a',
        [
          ['0', '0.0', '0'],
          ['0', '0', '0'],
        ],
        ['0', '0'],
      ),
      // unanimous wrong (6, 6.0, 6): the debate fixes it
      unanimousWrongFixed(),
      // unanimous wrong: not fixed
      makeTranscript(
        'c',
        [
          ['7', '7', '7'],
          ['7', '7', '7'],
        ],
        ['7', '7'],
      ),
      // two 5s and a missing answer: 2 distinct, not unanimous
      makeTranscript(
        'd',
        [
          ['5', null, '5'],
          ['0', '0', '0'],
        ],
        ['5', '0'],
      ),
      // nothing parsable: 3 distinct (a missing answer is never the same as another), not unanimous
      makeTranscript(
        'e',
        [
          [null, null, null],
          [null, null, null],
        ],
        [null, null],
      ),
      // all different
      allDifferent(),
    ]);
    expect(agreement).toEqual({
      problems: 6,
      meanDistinctAnswers: (1 + 1 + 1 + 2 + 3 + 3) / 6,
      anyRight: 2, // a (all right) and f (one of three right)
      unanimous: 3,
      unanimousRight: 1,
      unanimousWrong: 2,
      unanimousWrongEndedRight: 1,
    });
  });

  it('counts a one-round debate (its final vote is round 1) and is absent for a society of one agent', () => {
    expect(
      countFirstRoundAgreement([makeTranscript('a', [['3', '3']], ['3']), makeTranscript('b', [['0', '3']], ['0'])]),
    ).toEqual({
      problems: 2,
      meanDistinctAnswers: 1.5,
      anyRight: 1,
      unanimous: 1,
      unanimousRight: 0,
      unanimousWrong: 1,
      unanimousWrongEndedRight: 0,
    });
    expect(countFirstRoundAgreement([makeTranscript('a', [['3'], ['0']], ['3', '0'])])).toBeUndefined();
    expect(countFirstRoundAgreement([])).toBeUndefined();
  });

  it('is part of the debate metrics and their terminal table; a society of one agent has neither', () => {
    const debates = [unanimousWrongFixed(), allDifferent()];
    const metrics = evaluateDebates(debates);
    expect(metrics.firstRoundAgreement).toEqual(countFirstRoundAgreement(debates));
    expect(formatMetrics(metrics, 'run')).toContain(
      '  first round       2.00 distinct answers per problem; some agent right on 1; unanimous 1 of 2: right 0, wrong 1 (final vote right on 1 of those)\n',
    );
    const alone = evaluateDebates([makeTranscript('a', [['3'], ['0']], ['3', '0'])]);
    expect(alone).not.toHaveProperty('firstRoundAgreement');
    expect(formatMetrics(alone, 'run')).not.toContain('first round');
  });
});
