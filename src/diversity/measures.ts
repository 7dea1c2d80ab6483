/**
 * The diversity measures of the paper's §4.2 (Figs. 3–4, App. C), pure: formulas over next-token distributions
 * and embeddings (docs/diversity.md defines each). All logs are natural (nats).
 */
import type { ReplyDistributions } from '../spec/chat-model.js';

/** Mean per-token negative log-likelihood of the reply's own tokens under the model that gave `scored`. */
export function meanTokenNll(scored: ReplyDistributions): number {
  if (scored.tokens.length === 0) return 0;
  let sum = 0;
  scored.tokens.forEach((token, t) => {
    sum -= scored.logProbs[t]?.[token] ?? -Infinity;
  });
  return sum / scored.tokens.length;
}

/** KL(p ‖ q) = Σ_v p(v) (log p(v) − log q(v)) of two log-probability rows over one vocabulary. */
export function klDivergence(logP: Float64Array, logQ: Float64Array): number {
  let sum = 0;
  for (let v = 0; v < logP.length; v++) {
    const lp = logP[v] as number;
    if (lp === -Infinity) continue;
    const lq = logQ[v] ?? -Infinity;
    sum += Math.exp(lp) * (lp - lq);
  }
  return Math.max(0, sum); // rounding can leave −1e-17 for equal rows
}

/** The mean over the reply's positions of KL(p_t ‖ q_t): two models read the same reply. */
export function meanTokenKl(p: ReplyDistributions, q: ReplyDistributions): number {
  if (p.tokens.length !== q.tokens.length) throw new Error('the two distributions are of different replies');
  if (p.tokens.length === 0) return 0;
  let sum = 0;
  p.logProbs.forEach((row, t) => {
    sum += klDivergence(row, q.logProbs[t] as Float64Array);
  });
  return sum / p.tokens.length;
}

/** 1 − cos(a, b); 1 when either vector is zero. */
export function cosineDissimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return 1;
  return 1 - dot / Math.sqrt(normA * normB);
}

/** The mean of `value` over ordered pairs (a, b), a ≠ b, of `count` items; null when there is no pair. */
export function meanOverPairs(count: number, value: (a: number, b: number) => number, ordered = true): number | null {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < count; a++) {
    for (let b = ordered ? 0 : a + 1; b < count; b++) {
      if (a === b) continue;
      sum += value(a, b);
      pairs++;
    }
  }
  return pairs === 0 ? null : sum / pairs;
}

/** Mean of the non-null values; null when there is none. */
export function meanOf(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => typeof value === 'number');
  return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length;
}

/**
 * The standard error of the mean of the non-null values: s / √n, s the sample standard deviation (divisor
 * n − 1), so SE = √(Σ (x_i − x̄)² / (n (n − 1))). Null when fewer than two values (no spread to estimate).
 */
export function standardErrorOf(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => typeof value === 'number');
  const n = present.length;
  if (n < 2) return null;
  const mean = present.reduce((sum, value) => sum + value, 0) / n;
  const squares = present.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return Math.sqrt(squares / (n * (n - 1)));
}
