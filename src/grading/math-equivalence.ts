/**
 * The MATH answer checker the paper's results were computed with (docs/method.md, "Answer checking (MATH)"):
 * PRM800K's `grade_answer`, which starts with Hendrycks' `math_equivalence` normalisation. In order:
 *
 * 1. both answers normalised à la Hendrycks (math-normalize.ts): equal strings match;
 * 2. both normalised à la PRM800K (math-grader-normalize.ts): equal strings match, an empty answer fails;
 * 3. tuples and intervals are split and compared element by element (math-tuples.ts);
 * 4. per element: two plain fractions must be the same string (an unreduced `2/4` is not `1/2`); an
 *    integer ground truth needs an integer answer and the other way round (`145/1` is not `145`);
 *    otherwise the difference must simplify to 0 (math-symbolic.ts).
 *
 * maft departs from the reference only where it is demonstrably wrong (each case is pinned in
 * test/grading/math-equivalence-rules.test.ts): `\frac{a+b}{c}` keeps its grouping (pylatexenc's text
 * `a+b/c` changed the value), tuples whose elements contain brackets are still split, `-2\frac14` is
 * −9/4 (not −2 + 1/4), integers are compared exactly (not as doubles), and decimals are exact rationals
 * (compared as sympy's floats otherwise, see math-symbolic.ts).
 *
 * `isMathEquivalent` never throws and returns within a bounded time on any input: stage 1 is linear in
 * the input, later stages only run on answers of at most `maxGraderLength` characters, and the symbolic
 * step has its own bounds.
 */
import { normalizeMathd } from './math-normalize.js';
import { isPlainFraction, normalizeGrader, strIsInt } from './math-grader-normalize.js';
import { pairElements } from './math-tuples.js';
import { areEqualSymbolically } from './math-symbolic.js';

/** Longer answers are compared by stage 1 only (a MATH ground truth is a few dozen characters). */
const maxGraderLength = 2000;

/** Whether a model's `given` answer (e.g. its last `\boxed{}`) is equivalent to the `groundTruth`. */
export function isMathEquivalent(given: string, groundTruth: string): boolean {
  try {
    return grade(given, groundTruth);
  } catch {
    return false;
  }
}

function grade(given: string, groundTruth: string): boolean {
  if (normalizeMathd(groundTruth) === normalizeMathd(given)) return true;
  if (given.length > maxGraderLength || groundTruth.length > maxGraderLength) return false;

  const truthNormalized = normalizeGrader(groundTruth);
  const givenNormalized = normalizeGrader(given);
  if (truthNormalized === givenNormalized) return true;
  if (givenNormalized.length === 0) return false;

  const pairs = pairElements(truthNormalized, givenNormalized);
  if (pairs === null) return false;
  return pairs.every(([truthElement, givenElement]) => elementsMatch(truthElement, givenElement));
}

function elementsMatch(truth: string, given: string): boolean {
  // Unreduced fractions must match as written: sympy would accept 2/4 for 1/2.
  if (isPlainFraction(truth) && isPlainFraction(given)) return truth === given;
  // An integer on one side only: no symbolic leniency (e.g. 145/1 for 145, or 2 for 2.5).
  if (strIsInt(truth) !== strIsInt(given)) return false;
  return areEqualSymbolically(truth, given);
}
