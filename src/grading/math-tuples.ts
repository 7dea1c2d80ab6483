/**
 * Tuple and interval handling of the MATH answer checker (PRM800K `split_tuple` and the element-wise loop
 * of `grade_answer`). An answer such as `(1,2)` or `[-1,2)` is split into its elements when one pair of
 * brackets encloses it; a ground truth with several elements requires the given
 * answer to open and close with the same brackets (so `(1,2)` is not `[1,2]`), the same number of elements,
 * and each element to match in order (so `(1,2)` is not `(2,1)`).
 */
import { stripThousandsCommas } from './math-grader-normalize.js';

/**
 * Elements of a normalised answer: the inside of a bracketed list split at its top-level commas, else the
 * answer itself. PRM800K splits only lists with no bracket inside (so `(\sqrt{2},1)`, which reads
 * `(sqrt(2),1)`, stayed one element, and sympy could not compare it); maft respects nested brackets.
 */
export function splitTuple(normalized: string): string[] {
  const expr = stripThousandsCommas(normalized);
  if (expr.length === 0) return [];
  if (expr.length <= 2 || !enclosedByOnePair(expr)) return [expr];
  const elements: string[] = [];
  let depth = 0;
  let start = 1;
  for (let index = 1; index < expr.length - 1; index++) {
    const character = expr[index] ?? '';
    if ('(['.includes(character)) depth++;
    else if (')]'.includes(character)) depth--;
    else if (character === ',' && depth === 0) {
      elements.push(expr.slice(start, index).trim());
      start = index + 1;
    }
  }
  elements.push(expr.slice(start, -1).trim());
  return elements;
}

/** Whether the bracket opening `expr` (round or square) is closed (by either kind) at its very end. */
function enclosedByOnePair(expr: string): boolean {
  if (!'(['.includes(expr[0] ?? '') || !')]'.includes(expr.at(-1) ?? '')) return false;
  let depth = 0;
  for (let index = 0; index < expr.length; index++) {
    const character = expr[index] ?? '';
    if ('(['.includes(character)) depth++;
    else if (')]'.includes(character)) depth--;
    if (depth <= 0 && index < expr.length - 1) return false;
  }
  return depth === 0;
}

/**
 * Pairs of (ground-truth, given) elements to compare one by one, or null when the shapes differ: another
 * element count, or, for a ground truth of several elements, other opening or closing characters.
 */
export function pairElements(groundTruth: string, given: string): [string, string][] | null {
  const truthElements = splitTuple(groundTruth);
  const givenElements = splitTuple(given);
  if (truthElements.length > 1 && (groundTruth[0] !== given[0] || groundTruth.at(-1) !== given.at(-1))) {
    return null;
  }
  if (truthElements.length !== givenElements.length) return null;
  return truthElements.map((element, index): [string, string] => [element, givenElements[index] ?? '']);
}
