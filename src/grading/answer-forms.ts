/**
 * Decoration that does not change a MATH answer, removed before the widened comparison of the default
 * grading mode (math-equivalence-wide.ts): math delimiters, `\displaystyle`, `\left`/`\right`, spacing
 * macros, `\cfrac`/`\dfrac`/`\tfrac`, degrees, percent signs and words, currency, a trailing unit (`\text{
 * cm}^2`, `\mbox{ meters}`, `12 apples`), `\text{…}` around a word, and a leading `x =` (a name, or `f(x)`)
 * when the reference answer is not itself an equation.
 *
 * A unit is only dropped after a number-like answer (no letters of its own), so `2x` or `\text{Evelyn}` keep
 * what they say.
 */
const mathWords = new Set(['sqrt', 'pi', 'sin', 'cos', 'tan', 'log', 'ln', 'exp', 'or', 'and', 'i', 'e']);

export function cleanAnswer(text: string, referenceIsEquation: boolean, referenceHasLetters = true): string {
  let x = text.trim();
  x = x
    .replace(/^\$+|\$+$/g, '')
    .replace(/^\\[[(]|\\[\])]$/g, '')
    .trim();
  x = x.replace(/\\displaystyle|\\mathrm\{\s*\}/g, '');
  x = x.replace(/\\[cdt]frac/g, '\\frac');
  x = x.replace(/\\(?:left|right)\s*\.|\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)\b\s*/g, '');
  x = x.replace(/(\d)(?:\\[,!]|\{,\})\s*(?=\d{3}(?!\d))/g, '$1');
  x = x.replace(/(?<!\\)\\[,;:! ]|~/g, ' ');
  x = x.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree\b/g, '');
  x = x.replace(/\\%|%|\s*\\text\s*\{\s*(?:percent|pct)\s*\}|\s*\b(?:percentage|percent|pct)\b/g, '');
  x = x.replace(/\\\$|\$|€|£|\\euro\b/g, '');
  for (let round = 0; round < 3; round++) {
    const unit =
      /\s*\\(?:text|mbox|mathrm|textnormal|textbf|operatorname)\s*\{\s*[a-zA-Z][a-zA-Z .]*\}(?:\s*\^\s*\{?\d\}?)?\s*\.?$/.exec(
        x,
      );
    if (unit === null || !isNumberLike(x.slice(0, unit.index))) break;
    x = x.slice(0, unit.index);
  }
  // A trailing word is a unit; a one-letter unit (`12 m`, `5 g`) only when the reference has no letters at all,
  // and never a letter that is usually an unknown (`2 x` is 2x).
  const unitWord = referenceHasLetters ? '[a-zA-Z]{2,}' : '(?:[a-zA-Z]{2,}|[mgslLhJNWVA])';
  const word = new RegExp(
    `^(.*?\\d[^a-zA-Z]*?)\\s+(${unitWord}(?:\\s+[a-zA-Z]+)*)(?:\\s*\\^\\s*\\{?\\d\\}?)?\\s*\\.?$`,
  ).exec(x);
  if (word !== null && isNumberLike(word[1] ?? '') && !(word[2] ?? '').split(/\s+/).some((w) => mathWords.has(w))) {
    x = word[1] ?? x;
  }
  x = x.replace(/\\(?:text|textbf|mathrm|mathbf|textit|mbox)\s*\{([^{}]*)\}/g, '$1');
  if (!referenceIsEquation) {
    const named = /^\s*(?:[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?|[a-zA-Z]\s*\([^()=]*\)|\\[a-zA-Z]+)\s*=\s*([^=]+)$/.exec(x);
    if (named?.[1] !== undefined && !/^\s*\\(?:frac|sqrt)/.test(x)) x = named[1];
  }
  return x
    .trim()
    .replace(/[.,;]$/, '')
    .trim();
}

/** Digits, signs, fractions and roots only: what a unit may follow. */
function isNumberLike(text: string): boolean {
  const stripped = text.replace(/\\(?:frac|sqrt|pi|cdot|times)\b/g, '').trim();
  return /\d/.test(stripped) && !/[a-zA-Z]/.test(stripped);
}

/** Whether a (cleaned) answer is a relation `a = b`, kept whole when the reference is one. */
export function isEquation(text: string): boolean {
  return /=/.test(text) && !/\\[lg]eq?|\\neq|[<>]/.test(text);
}
