/**
 * First normalisation stage of the MATH answer checker: Hendrycks' `_strip_string` (hendrycks/math,
 * modeling/math_equivalence.py) behind PRM800K's `normalize_answer` (prm800k/grading/math_normalize.py).
 * The grader compares these forms first ("be at least as lenient as mathd"), so the rules are reproduced
 * step for step, quirks included: both sides of a comparison go through the same steps, and a quirk that
 * is applied to both rarely changes a verdict, whereas a "fixed" rule would disagree with the verdicts the
 * paper's results were computed with.
 */

/** Raised where the Python code raises (an assertion or an index out of range); caught in `normalizeMathd`. */
class StripError extends Error {}

/** PRM800K `normalize_answer`: unwrap an enclosing `\text{…}`, then `_strip_string`; on error, the input. */
export function normalizeMathd(answer: string): string {
  let text = answer.trim();
  // Python's `re.search("^\\text\{(?P<text>.+?)\}$")`: `.` stops at newlines, `$` may precede a final one.
  const match = /^\\text\{(.+?)\}\n?$/.exec(text);
  if (match?.[1] !== undefined) text = match[1].trim();
  try {
    return stripString(text);
  } catch (error) {
    if (error instanceof StripError) return text;
    throw error;
  }
}

/** Hendrycks' `_strip_string`, in its order. */
export function stripString(input: string): string {
  let s = input.replaceAll('\n', '').replaceAll('\\!', '').replaceAll('\\\\', '\\');
  s = s.replaceAll('tfrac', 'frac').replaceAll('dfrac', 'frac');
  s = s.replaceAll('\\left', '').replaceAll('\\right', '');
  s = s.replaceAll('^{\\circ}', '').replaceAll('^\\circ', '');
  s = s.replaceAll('\\$', '');
  s = removeRightUnits(s);
  s = s.replaceAll('\\%', '');
  s = s.replaceAll(' .', ' 0.').replaceAll('{.', '{0.');
  if (s.length === 0) return s;
  if (s.startsWith('.')) s = `0${s}`;
  // "k = 5" → "5" when the left side is at most two characters (spaces included, as in the original).
  const sides = s.split('=');
  if (sides.length === 2 && (sides[0] ?? '').length <= 2) s = sides[1] ?? '';
  s = fixSqrt(s);
  s = s.replaceAll(' ', '');
  s = fixFracs(s);
  if (s === '0.5') s = '\\frac{1}{2}';
  return fixSlash(s);
}

/** `\text{ ` only ever introduces units in MATH; the original asserts there is at most one. */
function removeRightUnits(s: string): string {
  if (!s.includes('\\text{ ')) return s;
  const parts = s.split('\\text{ ');
  if (parts.length !== 2) throw new StripError('more than one unit');
  return parts[0] ?? '';
}

/** `\sqrt3` → `\sqrt{3}`: the single character after `\sqrt` becomes its braced argument. */
function fixSqrt(s: string): string {
  if (!s.includes('\\sqrt')) return s;
  const parts = s.split('\\sqrt');
  let out = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    const first = part[0];
    if (first === undefined) throw new StripError('\\sqrt without argument');
    out += first === '{' ? `\\sqrt${part}` : `\\sqrt{${first}}${part.slice(1)}`;
  }
  return out;
}

/** `\frac12` → `\frac{1}{2}`, `\frac1{72}` → `\frac{1}{72}`; a too-short tail leaves the string as it was. */
function fixFracs(s: string): string {
  const parts = s.split('\\frac');
  let out = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    out += '\\frac';
    const first = part[0];
    if (first === undefined) throw new StripError('\\frac without argument');
    if (first === '{') {
      out += part;
      continue;
    }
    const second = part[1];
    if (second === undefined) return s;
    const rest = part.slice(2);
    out += second === '{' ? `{${first}}${second}${rest}` : `{${first}}{${second}}${rest}`;
  }
  return out;
}

/** `3/4` → `\frac{3}{4}` only when both sides are plain integers written canonically. */
function fixSlash(s: string): string {
  const parts = s.split('/');
  if (parts.length !== 2) return s;
  const numerator = pythonInt(parts[0] ?? '');
  const denominator = pythonInt(parts[1] ?? '');
  if (numerator === null || denominator === null) return s;
  if (s !== `${numerator}/${denominator}`) return s;
  return `\\frac{${numerator}}{${denominator}}`;
}

/** Python's `int(text)` for base-10 text, as a canonical decimal string; null where Python raises. */
export function pythonInt(text: string): string | null {
  const match = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(text);
  if (match === null) return null;
  const digits = BigInt((match[2] ?? '').replaceAll('_', ''));
  return (match[1] === '-' ? -digits : digits).toString();
}
