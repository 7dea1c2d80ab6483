/**
 * The MATH checker of the default grading mode: the paper's checker (math-equivalence.ts) first, and,
 * where it says no, a few widenings that cannot call a different answer right. The reference (the gold)
 * decides the shape: a set is compared as a set only when the reference is one, an equation stays an
 * equation only when the reference is one. In order:
 *
 * 1. decoration dropped on both sides (answer-forms.ts: units, `\text{}`, percent, currency, degrees,
 *    `\left`/`\right`, `x =`), then the paper's checker again;
 * 2. shapes: matrices cell by cell, inequalities in either direction, unions of intervals and sets or bare
 *    lists in any order, tuples and intervals element by element (answer-structures.ts);
 * 3. values: two purely numeric answers with the same exact value (`\frac{2}{2}` is `1`, `2\cdot 3` is `6`,
 *    `\frac{2}{4}` is `\frac12`); a decimal for a fraction whose expansion does not end (`0.333333` for
 *    `\frac13`) only with at least 6 significant digits, rounded or cut at its last digit.
 *
 * Every step is bounded: the paper's checker bounds its symbolic step, parts are at most 24 per level and
 * nesting at most 3 levels; any error means "not shown equal".
 */
import type { Rational } from './math-rational.js';
import { evaluateRational, rationalsEqual } from './math-rational.js';
import { parseGraderText } from './math-expression-parser.js';
import { normalizeGrader } from './math-grader-normalize.js';
import { isMathEquivalent } from './math-equivalence.js';
import { cleanAnswer, isEquation } from './answer-forms.js';
import {
  matchUnordered,
  readInequality,
  readMatrix,
  setElements,
  tupleElements,
  unionParts,
} from './answer-structures.js';

export interface Verdict {
  correct: boolean;
  /** Why, in a few words (shown by `maft grade --explain`). */
  reason: string;
}

const maxDepth = 3;
const maxLength = 2000;
/** A decimal stands for a fraction that has no finite decimal only with this many significant digits. */
export const minimumDecimalDigits = 6;

/** Whether `given` is equivalent to the reference answer `groundTruth`, and why. Never throws. */
export function explainMathEquivalence(given: string, groundTruth: string): Verdict {
  if (isMathEquivalent(given, groundTruth)) return { correct: true, reason: "equal under the paper's checker" };
  if (given.length > maxLength || groundTruth.length > maxLength)
    return { correct: false, reason: 'too long to compare further' };
  try {
    return (
      widened(given, groundTruth, 0) ?? { correct: false, reason: 'not equal (paper checker, units, shapes, value)' }
    );
  } catch {
    return { correct: false, reason: 'not shown equal (comparison failed)' };
  }
}

function same(given: string, reference: string, depth: number): boolean {
  return (
    isMathEquivalent(given, reference) || (depth < maxDepth && widened(given, reference, depth + 1)?.correct === true)
  );
}

function widened(given: string, reference: string, depth: number): Verdict | null {
  const referenceClean = cleanAnswer(reference, true);
  const referenceHasLetters = /[a-zA-Z]/.test(referenceClean.replace(/\\[a-zA-Z]+/g, ''));
  const givenClean = cleanAnswer(given, isEquation(referenceClean), referenceHasLetters);
  if (
    (givenClean !== given || referenceClean !== reference) &&
    givenClean !== '' &&
    isMathEquivalent(givenClean, referenceClean)
  ) {
    return { correct: true, reason: 'equal once units, \\text{}, percent or `x =` are dropped' };
  }
  return shapes(givenClean, referenceClean, depth) ?? values(givenClean, referenceClean);
}

function shapes(given: string, reference: string, depth: number): Verdict | null {
  const element = (a: string, b: string) => same(a, b, depth);
  const referenceEquation = sidesOf(reference);
  if (referenceEquation !== null) {
    const equation = sidesOf(given);
    const ok =
      equation !== null && equation.left === referenceEquation.left && element(equation.right, referenceEquation.right);
    return ok ? { correct: true, reason: 'same equation (same left side, equal right sides)' } : null;
  }
  const referenceMatrix = readMatrix(reference);
  if (referenceMatrix !== null) {
    const matrix = readMatrix(given);
    const ok =
      matrix !== null &&
      matrix.kind === referenceMatrix.kind &&
      matrix.rows.length === referenceMatrix.rows.length &&
      matrix.rows.every((row, r) => {
        const referenceRow = referenceMatrix.rows[r] ?? [];
        return row.length === referenceRow.length && row.every((cell, c) => element(cell, referenceRow[c] ?? ''));
      });
    return { correct: ok, reason: ok ? 'same matrix, cell by cell' : 'matrices differ' };
  }
  const referenceInequality = readInequality(reference);
  if (referenceInequality !== null) {
    const inequality = readInequality(given);
    const ok =
      inequality !== null &&
      inequality.operators.join() === referenceInequality.operators.join() &&
      inequality.sides.length === referenceInequality.sides.length &&
      inequality.sides.every((side, index) => element(side, referenceInequality.sides[index] ?? ''));
    return ok ? { correct: true, reason: 'same inequality' } : null;
  }
  const referenceUnion = unionParts(reference);
  if (referenceUnion !== null) {
    const union = unionParts(given);
    const ok = union !== null && matchUnordered(union, referenceUnion, element);
    return ok ? { correct: true, reason: 'same union of intervals (any order)' } : null;
  }
  const referenceTuple = tupleElements(reference);
  if (referenceTuple !== null) {
    const tuple = tupleElements(given);
    const ok =
      tuple !== null &&
      tuple.open === referenceTuple.open &&
      tuple.close === referenceTuple.close &&
      tuple.elements.length === referenceTuple.elements.length &&
      tuple.elements.every((part, index) => element(part, referenceTuple.elements[index] ?? ''));
    return ok ? { correct: true, reason: 'same tuple or interval, element by element' } : null;
  }
  const referenceSet = setElements(reference);
  if (referenceSet !== null) {
    const set = setElements(given);
    const ok = set !== null && matchUnordered(set, referenceSet, element);
    return ok ? { correct: true, reason: 'same set (order ignored)' } : null;
  }
  return null;
}

/** `lhs = rhs` with one `=`, the left side without spaces. */
function sidesOf(text: string): { left: string; right: string } | null {
  if (!isEquation(text)) return null;
  const sides = text.split('=');
  if (sides.length !== 2) return null;
  return { left: (sides[0] ?? '').replace(/\s+/g, ''), right: (sides[1] ?? '').trim() };
}

function values(given: string, reference: string): Verdict | null {
  const referenceValue = exactValue(reference);
  if (referenceValue === null) return null;
  const givenValue = exactValue(given);
  if (givenValue === null) return null;
  if (rationalsEqual(givenValue, referenceValue)) return { correct: true, reason: 'same exact value' };
  if (decimalStandsFor(given, referenceValue)) {
    return { correct: true, reason: `decimal of ≥ ${minimumDecimalDigits} significant digits rounds to the fraction` };
  }
  return null;
}

/** The exact value of a purely numeric answer (no unknowns, roots or π), or null. */
function exactValue(text: string): Rational | null {
  if (text.length > 200) return null;
  const parsed = parseGraderText(normalizeGrader(text));
  return parsed === null || parsed.hasUnknown ? null : evaluateRational(parsed.json);
}

/**
 * `0.333333` stands for 1/3, `0.666667` and `0.666666` for 2/3: a plain decimal with at least
 * `minimumDecimalDigits` significant digits that is the fraction rounded or cut at its last digit, for a
 * fraction whose decimal expansion does not end (an ending one must be written exactly: 0.25, not 0.250001).
 */
function decimalStandsFor(given: string, reference: Rational): boolean {
  const match = /^(-?)(\d*)\.(\d+)$/.exec(given.replace(/\s/g, ''));
  if (match === null) return false;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (`${whole}${fraction}`.replace(/^0+/, '').length < minimumDecimalDigits) return false;
  let denominator = reference.denominator;
  for (const prime of [2n, 5n]) while (denominator % prime === 0n) denominator /= prime;
  if (denominator === 1n) return false;
  const scale = 10n ** BigInt(fraction.length);
  const digits = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  const scaled = reference.numerator * scale;
  const cut = scaled / reference.denominator; // truncated toward zero
  const remainder = scaled - cut * reference.denominator;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  const rounded = twice >= reference.denominator ? cut + (scaled < 0n ? -1n : 1n) : cut;
  return digits === cut || digits === rounded;
}
