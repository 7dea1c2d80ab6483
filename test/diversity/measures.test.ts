/** The diversity formulas on hand-computable inputs (docs/diversity.md). */
import { describe, expect, it } from 'vitest';
import {
  cosineDissimilarity,
  klDivergence,
  meanOf,
  meanOverPairs,
  meanTokenKl,
  meanTokenNll,
  standardErrorOf,
} from '../../src/diversity/measures.js';
import { summarizeDiversity } from '../../src/diversity/summarize.js';

const row = (...probabilities: number[]) => Float64Array.from(probabilities, Math.log);

describe('the measures', () => {
  it('KL(p ‖ q) is Σ p log(p/q): 0 for equal rows, asymmetric, ∞ where q gives no mass to what p does', () => {
    expect(klDivergence(row(0.5, 0.5), row(0.5, 0.5))).toBe(0);
    expect(klDivergence(row(0.5, 0.5), row(0.9, 0.1))).toBeCloseTo(0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(5), 12);
    expect(klDivergence(row(0.9, 0.1), row(0.5, 0.5))).toBeCloseTo(0.9 * Math.log(1.8) + 0.1 * Math.log(0.2), 12);
    expect(klDivergence(row(1, 0), row(0.5, 0.5))).toBeCloseTo(Math.log(2), 12); // p(1) = 0 adds nothing
    expect(klDivergence(row(0.5, 0.5), row(1, 0))).toBe(Infinity);
  });

  it('per-token NLL and KL are means over the reply’s positions', () => {
    const p = { tokens: [0, 1], logProbs: [row(0.5, 0.5), row(0.2, 0.8)] };
    const q = { tokens: [0, 1], logProbs: [row(0.5, 0.5), row(0.5, 0.5)] };
    expect(meanTokenNll(p)).toBeCloseTo((Math.log(2) + Math.log(1.25)) / 2, 12);
    expect(meanTokenKl(p, q)).toBeCloseTo(klDivergence(row(0.2, 0.8), row(0.5, 0.5)) / 2, 12);
    expect(meanTokenNll({ tokens: [], logProbs: [] })).toBe(0);
    expect(() => meanTokenKl(p, { tokens: [0], logProbs: [row(1, 0)] })).toThrow(/different replies/);
  });

  it('1 − cos: 0 for parallel vectors, 1 for orthogonal or empty ones, 2 for opposite', () => {
    expect(cosineDissimilarity([1, 2], [2, 4])).toBeCloseTo(0, 12);
    expect(cosineDissimilarity([1, 0], [0, 3])).toBeCloseTo(1, 12);
    expect(cosineDissimilarity([1, 1], [-1, -1])).toBeCloseTo(2, 12);
    expect(cosineDissimilarity([], [1])).toBe(1);
  });

  it('means over ordered or unordered pairs, and over present values', () => {
    expect(meanOverPairs(3, (a, b) => 10 * a + b)).toBeCloseTo((1 + 2 + 10 + 12 + 20 + 21) / 6, 12);
    expect(meanOverPairs(3, (a, b) => 10 * a + b, false)).toBeCloseTo((1 + 2 + 12) / 3, 12);
    expect(meanOverPairs(1, () => 1)).toBeNull();
    expect(meanOf([1, null, 3, undefined])).toBe(2);
    expect(meanOf([null])).toBeNull();
  });

  it('a stage’s score is the mean of its debates’ measures, null where none was measured', () => {
    const record = (consensus: number, likelihoodNll: number | null) => ({
      problemId: 'p',
      question: 'q',
      agents: 3,
      consensus,
      likelihoodNll,
      agentKl: null,
      baseKl: null,
      embeddingDissimilarity: null,
      embeddingModel: null,
      scoredTokens: 0,
    });
    expect(summarizeDiversity('debate', 0, [record(1, 0.2), record(1 / 3, 0.4)])).toEqual({
      method: 'debate',
      iteration: 0,
      problems: 2,
      consensus: 2 / 3,
      likelihoodNll: expect.closeTo(0.3, 12) as number,
      agentKl: null,
      baseKl: null,
      embeddingDissimilarity: null,
      standardError: {
        // s = sample SD of (1, 1/3) = (2/3)/√2; SE = s/√2 = 1/3
        consensus: expect.closeTo(1 / 3, 12) as number,
        likelihoodNll: expect.closeTo(0.1, 12) as number,
        agentKl: null,
        baseKl: null,
        embeddingDissimilarity: null,
      },
      embeddingModel: null,
    });
  });

  it('the standard error of a mean is s/√n with the n − 1 sample deviation, over present values, null below 2', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − x̄)² = 32, s² = 32/7, SE = √(32/7/8) = √(4/7)
    expect(standardErrorOf([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(4 / 7), 12);
    expect(standardErrorOf([3, null, 3, undefined])).toBe(0);
    expect(standardErrorOf([1, null])).toBeNull();
    expect(standardErrorOf([])).toBeNull();
  });
});
