/**
 * Second normalisation stage of the MATH answer checker: PRM800K's `_normalize` (prm800k/grading/grader.py).
 * It unwraps `\text{}`, drops `$` and `%`, turns "or"/"and" into commas, deletes unit words *anywhere* (so
 * `Sunday` loses its `day`, on both sides alike), removes `^\circ` and `,\!`, writes integral floats as
 * integers, converts LaTeX to text (pylatexenc conventions, see math-latex-text.ts), makes `7 1/2` a sum
 * (mixed numbers), and removes spaces and braces before lower-casing. The rules are the original's, but
 * for two marked below (negative mixed numbers, exact integers) and the `\frac` grouping of the text step.
 */
import { LatexTextError, latexToText } from './math-latex-text.js';

const unitWords = [
  'degree',
  'cm',
  'centimeter',
  'meter',
  'mile',
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'foot',
  'feet',
  'inch',
  'yard',
];
const unitPatterns = unitWords.map((unit) => new RegExp(`${unit}(es)?(s)? *(\\^[0-9]+)?`, 'g'));

/** The grader's normal form of an answer: lower-case text such as `2+1/4`, `(3,pi/2)` or `12441600`. */
export function normalizeGrader(input: string): string {
  let expr = input;
  const wrapped = /^\\text\{(.+?)\}\n?$/.exec(expr);
  if (wrapped?.[1] !== undefined) expr = wrapped[1];
  expr = expr.replaceAll('\\%', '%').replaceAll('\\$', '$').replaceAll('$', '').replaceAll('%', '');
  expr = expr.replaceAll(' or ', ' , ').replaceAll(' and ', ' , ');
  expr = expr.replaceAll('million', '*10^6').replaceAll('billion', '*10^9').replaceAll('trillion', '*10^12');
  for (const pattern of unitPatterns) expr = expr.replace(pattern, '');
  expr = expr.replace(/\^ *\\circ/g, '');
  if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1);
  expr = expr.replace(/,\\! */g, '');
  const value = pythonFloat(expr);
  if (value !== null && isNearInteger(value)) expr = exactInteger(expr) ?? BigInt(Math.round(value)).toString();
  if (expr.includes('\\')) {
    try {
      expr = parseLatex(expr);
    } catch (error) {
      // The original swallows any failure of the LaTeX conversion and goes on with the LaTeX itself.
      if (!(error instanceof LatexTextError)) throw error;
    }
  }
  expr = expr.replace(/- */g, '-');
  // `7 3/4` is the mixed number 7+3/4. The original also made `-2 1/4` into -2+1/4; maft keeps the
  // sign on the whole number, -(2+1/4), as `-2\frac{1}{4}` means.
  expr = expr.replace(/-([0-9]+) +([0-9]+\/[0-9]+)(?![0-9./^])/g, '-($1+$2)');
  expr = expr.replace(/([0-9]) +([0-9])/g, '$1+$2');
  expr = expr.replaceAll(' ', '').replaceAll('{', '').replaceAll('}', '').toLowerCase();
  if (strIsInt(expr)) expr = strToInt(expr);
  return expr;
}

/** `_parse_latex`: `\frac` gets a leading space so that `7\frac{1}{2}` reads as a mixed number. */
function parseLatex(latex: string): string {
  const prepared = latex
    .replaceAll('\\tfrac', '\\frac')
    .replaceAll('\\dfrac', '\\frac')
    .replaceAll('\\frac', ' \\frac');
  return latexToText(prepared)
    .replaceAll('√', 'sqrt')
    .replaceAll('π', 'pi')
    .replaceAll('∞', 'inf')
    .replaceAll('∪', 'U')
    .replaceAll('·', '*')
    .replaceAll('×', '*')
    .trim();
}

/** Python's `float(text)`: surrounding whitespace, `_` between digits, `inf`/`nan`; null where it raises. */
export function pythonFloat(text: string): number | null {
  const trimmed = text.trim();
  if (/^[+-]?(inf|infinity|nan)$/i.test(trimmed)) {
    return trimmed.toLowerCase().includes('nan') ? Number.NaN : trimmed.startsWith('-') ? -Infinity : Infinity;
  }
  const digits = '\\d(?:_?\\d)*';
  const number = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  if (!number.test(trimmed)) return null;
  return Number(trimmed.replaceAll('_', ''));
}

/** `_is_int`: within 1e-7 of an integer (false for inf and nan, where Python's `round` raises). */
function isNearInteger(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value - Math.round(value)) <= 1e-7;
}

/** `_strip_properly_formatted_commas`: `1,000` → `1000`, but the comma of `(1,2)` stays. */
export function stripThousandsCommas(expr: string): string {
  let current = expr;
  for (;;) {
    const next = current.replace(/(\d)(,)(\d\d\d)($|\D)/g, '$1$3$4');
    if (next === current) return current;
    current = next;
  }
}

/**
 * An integer written out (`-12`, `145.0`, `1_000`) as its exact decimal string. The original goes through
 * a double, which makes 12345678901234567890 and 12345678901234567891 the same answer; maft keeps
 * integers exact (and so also calls a 400-digit integer an integer, where the double overflowed).
 */
function exactInteger(text: string): string | null {
  const match = /^\s*([+-]?)(\d(?:_?\d)*)(?:\.0*)?\s*$/.exec(text);
  if (match === null) return null;
  const magnitude = BigInt((match[2] ?? '').replaceAll('_', ''));
  return (match[1] === '-' ? -magnitude : magnitude).toString();
}

/** `_str_is_int`: the text (thousands commas allowed) is a float within 1e-7 of an integer. */
export function strIsInt(text: string): boolean {
  const stripped = stripThousandsCommas(text);
  if (exactInteger(stripped) !== null) return true;
  const value = pythonFloat(stripped);
  return value !== null && isNearInteger(value);
}

/** `_str_to_int`: `int(float(text))`, which truncates (so 2.99999999 gives 2, as in the original). */
function strToInt(text: string): string {
  const withoutCommas = text.replaceAll(',', '');
  const exact = exactInteger(withoutCommas);
  if (exact !== null) return exact;
  const value = pythonFloat(withoutCommas);
  return value === null ? text : BigInt(Math.trunc(value)).toString();
}

/** `_is_frac`: a plain `a/b` of integers, one stray character allowed after each (as the regex has it). */
export function isPlainFraction(text: string): boolean {
  return /^-?[0-9]+.?\/0*[1-9][0-9]*.?$/.test(text);
}
