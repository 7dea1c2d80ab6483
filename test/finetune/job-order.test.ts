/**
 * The embedded trainer's job order (src/finetune/job-order.ts), pure: a job's cost is the tokens its optimizer
 * steps compute as `train` will plan them (windowsPerStep × each step's used length, rounded up to 64, at most
 * windowLength), and jobs start largest cost first, ties in list order.
 */
import { describe, expect, it } from 'vitest';
import { longestFirst, trainingCost } from '../../src/finetune/job-order.js';
import type { TokenizedExample } from '../../src/trainer/data/pack-windows.js';

/** An example of `length` tokens: the first half prompt, the rest completion (learned). */
const example = (length: number): TokenizedExample => ({
  tokens: Array.from({ length }, (_, index) => index + 1),
  completion: Array.from({ length }, (_, index) => index >= length / 2),
});
const examples = (count: number, length: number) => Array.from({ length: count }, () => example(length));
const shape = { windowLength: 8, windowsPerStep: 1, epochs: 1, seed: 7 };

describe('trainingCost', () => {
  it('is steps × windowsPerStep × windowLength, every step a full window of padding and tokens', () => {
    // 6-token examples in 8-token windows: one a window, 5 windows, 2 a step → 3 steps an epoch, 3 epochs.
    expect(trainingCost({ ...shape, examples: examples(5, 6), windowsPerStep: 2, epochs: 3 })).toBe(9 * 2 * 8);
    // 4-token examples pack two to a window whatever the shuffle: 3 windows an epoch, 2 epochs.
    expect(trainingCost({ ...shape, examples: examples(6, 4), epochs: 2 })).toBe(6 * 8);
  });

  it("counts a step at its windows' used length rounded up to 64, not the whole window", () => {
    const wide = { ...shape, windowLength: 256 };
    expect(trainingCost({ ...wide, examples: examples(1, 40) })).toBe(64);
    expect(trainingCost({ ...wide, examples: examples(6, 40) })).toBe(256); // one window, 240 tokens used
    expect(trainingCost({ ...wide, examples: examples(2, 150), windowsPerStep: 2 })).toBe(2 * 192); // one per window
  });

  it('counts windows, not rows: fewer long rows can cost more than more short ones', () => {
    const fewLong = trainingCost({ ...shape, examples: examples(3, 7) });
    const manyShort = trainingCost({ ...shape, examples: examples(4, 4) });
    expect(fewLong).toBe(3 * 8);
    expect(manyShort).toBe(2 * 8);
  });

  it('counts a row cut at its head as one window and a row with nothing to learn as none', () => {
    const longPrompt: TokenizedExample = {
      tokens: Array.from({ length: 20 }, (_, index) => index + 1),
      completion: Array.from({ length: 20 }, (_, index) => index >= 16),
    };
    const nothingToLearn: TokenizedExample = { tokens: [1, 2, 3], completion: [false, false, false] };
    expect(trainingCost({ ...shape, examples: [longPrompt, nothingToLearn] })).toBe(8);
    expect(trainingCost({ ...shape, examples: [] })).toBe(0);
  });

  it('is the same for the same job on every call (the seeded shuffle is part of the plan)', () => {
    const mixed = [...examples(5, 5), ...examples(4, 3), ...examples(3, 2)];
    const cost = trainingCost({ ...shape, examples: mixed, epochs: 4 });
    expect(trainingCost({ ...shape, examples: mixed, epochs: 4 })).toBe(cost);
    expect(cost % 8).toBe(0);
  });
});

describe('longestFirst', () => {
  it('orders by cost, largest first, equal costs in list order', () => {
    expect(longestFirst([3, 9, 3, 12, 9])).toEqual([3, 1, 4, 0, 2]);
    expect(longestFirst([5, 5, 5])).toEqual([0, 1, 2]);
    expect(longestFirst([1, 2, 3])).toEqual([2, 1, 0]);
    expect(longestFirst([])).toEqual([]);
  });
});
