import { describe, expect, it } from 'vitest';
import { majorityVote } from '../../src/vote/majority-vote.js';
import { isEquivalent } from '../../src/grading/equivalence.js';
import { createRandom } from '../../src/util/random.js';

const numeric = (a: string, b: string) => isEquivalent(a, b, 'numeric');

describe('majorityVote', () => {
  it('groups answers by equivalence, not by string', () => {
    const vote = majorityVote(['1/2', '0.5', '3'], numeric, createRandom(1));
    expect(vote.winner).toBe('1/2');
    expect(vote.tied).toBe(false);
    expect(vote.classes).toEqual([
      { answer: '1/2', members: [0, 1], count: 2 },
      { answer: '3', members: [2], count: 1 },
    ]);
  });

  it('never lets missing answers vote', () => {
    const vote = majorityVote([null, null, '7'], numeric, createRandom(1));
    expect(vote.winner).toBe('7');
    expect(vote.missing).toBe(2);
    expect(majorityVote([null, null], numeric, createRandom(1))).toEqual({
      winner: null,
      classes: [],
      tied: false,
      missing: 2,
    });
  });

  it('breaks ties by a seeded random choice, reproducibly, reaching every tied class', () => {
    const answers = ['1', '2', '3'];
    const winners = new Set<string | null>();
    for (let seed = 0; seed < 64; seed++) {
      const first = majorityVote(answers, numeric, createRandom(seed));
      const again = majorityVote(answers, numeric, createRandom(seed));
      expect(again.winner).toBe(first.winner);
      expect(first.tied).toBe(true);
      winners.add(first.winner);
    }
    // The released code always picked the largest string ('3'); a fair draw reaches all three.
    expect(winners).toEqual(new Set(['1', '2', '3']));
  });

  it('does not call ties when one class is larger', () => {
    for (let seed = 0; seed < 16; seed++) {
      expect(majorityVote(['9', '4', '4.0', '9.00', '9'], numeric, createRandom(seed)).winner).toBe('9');
    }
  });
});
