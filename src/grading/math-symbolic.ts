/**
 * The symbolic step of the MATH answer checker: PRM800K's `are_equal_under_sympy`, with exact arithmetic
 * and @cortex-js/compute-engine in sympy's place. Like PRM800K, the step is skipped (→ not equal) when the
 * difference has more than two distinct unknown letters (`sqrt` and `frac` not counted), a parenthesised
 * or braced exponent, or a stacked or multi-digit exponent (`10^10^10`, `x^17`). Then:
 *
 * - two plain numbers (integers, decimals, fractions of them) are compared exactly (math-rational.ts);
 * - with unknowns, the difference must simplify to 0 in the engine or be an identity it establishes
 *   (`isIdenticallyEqual`, not used with decimals), as sympy's `simplify` shows them;
 * - other constants (√, π) are evaluated to 21 digits and must agree to 14 of them.
 *
 * Decimals follow sympy's floats: up to 15 digits they are equal to what has the same double value
 * (0.999000999000999 is 1000/1001, 0.333333333333333 is not 1/3), longer ones only to their exact value.
 *
 * The engine is synchronous, so the work is bounded before it starts (text length, parse depth, no nested
 * powers, exponents ≤ 64, literals below 2^26) and while it runs (`withTimeLimit`); any error it raises
 * means "not shown equal".
 */
import { ComputeEngine } from '@cortex-js/compute-engine';
import { parseGraderText } from './math-expression-parser.js';
import type { MathJson, ParsedExpression } from './math-expression-parser.js';
import { evaluateRational, rationalToDouble, rationalsEqual } from './math-rational.js';

const maxExpressionLength = 400;
const timeLimitMs = 250;
/** Beyond this total degree of powers of sums, the engine's `simplify` is not attempted. */
const maxExpandedDegree = 12;
/** Two exact constants are equal when their 21-digit values agree to this relative precision. */
const relativeTolerance = 1e-14;
/** sympy's default Float precision, in significant digits. */
const doubleDigits = 15;
/** The engine's machine integers are exact up to 2^53, so each literal stays within half of that. */
const machineBits = 26;
const badSubstrings = ['^{', '^('];
const badPatterns = [/\^[0-9]+\^/, /\^[0-9][0-9]+/];

let engine: ComputeEngine | undefined;

/** One engine for the process: creating one takes tens of milliseconds. */
function getEngine(): ComputeEngine {
  engine ??= new ComputeEngine();
  return engine;
}

/** `count_unknown_letters_in_expr`: distinct letters once `sqrt` and `frac` are taken out. */
export function countUnknownLetters(expr: string): number {
  const letters = expr.replaceAll('sqrt', '').replaceAll('frac', '').match(/\p{L}/gu) ?? [];
  return new Set(letters).size;
}

/** `should_allow_eval`: the PRM800K guards, applied to the whole difference text. */
export function shouldAllowEval(expr: string): boolean {
  if (countUnknownLetters(expr) > 2) return false;
  if (badSubstrings.some((bad) => expr.includes(bad))) return false;
  return !badPatterns.some((pattern) => pattern.test(expr));
}

/** Whether `groundTruth - given` (normalised grader text, one tuple element each) is shown to be 0. */
export function areEqualSymbolically(groundTruth: string, given: string): boolean {
  const expr = `(${groundTruth})-(${given})`;
  if (expr.length > maxExpressionLength || !shouldAllowEval(expr)) return false;
  const difference = parseGraderText(expr);
  if (difference === null) return false;
  // Read as sympy reads `(a)-(b)`; odd parentheses inside a or b can make it something else than a − b.
  const [head, truth, answer] = Array.isArray(difference.json) ? difference.json : [];
  const sides = head === 'Subtract' && truth !== undefined && answer !== undefined ? { truth, answer } : null;

  const exact = sides === null ? null : compareExactly(sides.truth, sides.answer, difference);
  if (exact !== null) return exact;
  if (literalBits(difference.json) > machineBits) return false;
  try {
    return getEngine().withTimeLimit(timeLimitMs, () => isZero(difference, sides));
  } catch {
    // Timeouts (CancellationError), BigInt overflows and any engine failure: not shown equal.
    return false;
  }
}

/** Purely numeric sides, compared exactly (null when either side is not a plain number). */
function compareExactly(truth: MathJson, answer: MathJson, difference: ParsedExpression): boolean | null {
  const truthValue = evaluateRational(truth);
  const answerValue = evaluateRational(answer);
  if (truthValue === null || answerValue === null) return null;
  if (rationalsEqual(truthValue, answerValue)) return true;
  return usesDoubles(difference) && rationalToDouble(truthValue) === rationalToDouble(answerValue);
}

/**
 * sympy read a decimal of up to 15 digits as a double and compared at double precision (0.999000999000999
 * was 1000/1001 there); a longer decimal raised its precision so that, in effect, only exact values passed.
 */
function usesDoubles(difference: ParsedExpression): boolean {
  return difference.hasDecimal && difference.decimalDigits <= doubleDigits;
}

function isZero(difference: ParsedExpression, sides: { truth: MathJson; answer: MathJson } | null): boolean {
  const ce = getEngine();
  if (difference.hasUnknown) {
    // An identity in the unknowns, as sympy's simplify shows them: (x−1)³(x+1)³ = x⁶−3x⁴+3x²−1 by the
    // engine's `simplify`, which can overrun the time limit on products of powers (so it is tried only
    // when expanding them is cheap), and (x²−1)/(x−1) = x+1 by its identity test (exact, then sampled),
    // which is not used with decimals: 3.1415926536x is not πx.
    const boxed = ce.box(toBoxable(difference.json));
    if (compoundPowerDegree(difference.json) <= maxExpandedDegree && boxed.simplify().isSame(0)) return true;
    return !difference.hasDecimal && boxed.isIdenticallyEqual(ce.Zero) === true;
  }
  if (sides === null) return false;
  // Constants with radicals or π: the two values, each evaluated to 21 digits (never boxed together,
  // which would let the engine's machine arithmetic cancel them), agree to 14 digits — or, with a short
  // decimal, are the same double.
  const truthValue = ce.box(toBoxable(sides.truth)).N();
  const answerValue = ce.box(toBoxable(sides.answer)).N();
  const values = [truthValue.re, truthValue.im, answerValue.re, answerValue.im];
  if (!values.every(Number.isFinite)) return false;
  if (difference.hasDecimal) {
    return usesDoubles(difference) && truthValue.re === answerValue.re && truthValue.im === answerValue.im;
  }
  const gap = Math.hypot(truthValue.re - answerValue.re, truthValue.im - answerValue.im);
  return gap <= relativeTolerance * Math.max(...values.map(Math.abs));
}

/**
 * Bits of the largest number literal. The engine's machine integers round once a product passes 2^53
 * (99999989·99999971 comes out even), so literals stay below 2^26 on its path.
 */
function literalBits(json: MathJson): number {
  if (typeof json === 'number') return Math.log2(Math.abs(json) + 1);
  if (Array.isArray(json)) return json.reduce<number>((widest, part) => Math.max(widest, literalBits(part)), 0);
  return typeof json === 'string' ? 0 : Infinity;
}

/** Sum of the exponents applied to sums and products, a measure of what expanding them costs. */
function compoundPowerDegree(json: MathJson): number {
  if (!Array.isArray(json)) return 0;
  const [head, base, exponent] = json;
  const own = head === 'Power' && Array.isArray(base) && typeof exponent === 'number' ? Math.abs(exponent) : 0;
  return own + json.reduce<number>((total, part) => total + compoundPowerDegree(part), 0);
}

function toBoxable(json: MathJson): Parameters<ComputeEngine['box']>[0] {
  return json as Parameters<ComputeEngine['box']>[0];
}
