/**
 * Numbers as exact rationals, parsed the way people and models write them: `1,080`, `-3.50`, `$18`,
 * `45%`, `12 cm`, `\frac{3}{4}`, `3/4`, `\$1{,}000`. Exactness matters: `0.1 + 0.2` style float noise must
 * never decide whether an answer is right.
 */
export interface Rational {
  numerator: bigint;
  denominator: bigint; // always > 0
}

const wrappers: [RegExp, string][] = [
  [/\\text\{([^{}]*)\}/g, '$1'],
  [/\\mathrm\{([^{}]*)\}/g, '$1'],
  [/\\(?:d|t)?frac\{([^{}]*)\}\{([^{}]*)\}/g, '($1)/($2)'],
  [/\{,\}/g, ','],
  [/\\[!,;: ]/g, ''],
  [/\\\$|\$|\\%|%|\\left|\\right|\\\(|\\\)/g, ''],
  [/\^\{?\\circ\}?|°/g, ''],
];

/** Strip the decoration around a number (currency, percent, units, LaTeX wrappers). */
export function stripNumberDecoration(text: string): string {
  let result = text.trim();
  for (const [pattern, replacement] of wrappers) result = result.replace(pattern, replacement);
  // Trailing unit words ("12 cm", "5 apples", "3 hours.") and a leading "x =".
  result = result.replace(/^[a-zA-Z]\s*=\s*/, '');
  result = result.replace(/(\d)\s*[a-zA-Z][a-zA-Z ]*\.?$/, '$1');
  return result.replace(/\s+/g, '').replace(/\.$/, '');
}

const decimalPattern = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d+))?$/;

/** Parse a plain decimal (thousands commas allowed) into a rational; null when it is not one. */
function parseDecimal(text: string): Rational | null {
  const match = decimalPattern.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return null;
  const digits = `${whole.replace(/,/g, '')}${fraction}` || '0';
  const numerator = BigInt(digits) * (sign === '-' ? -1n : 1n);
  return { numerator, denominator: 10n ** BigInt(fraction.length) };
}

/** Parse a decorated number or a simple fraction `a/b`, `(a)/(b)`; null when the text is not a number. */
export function parseRational(text: string): Rational | null {
  const cleaned = stripNumberDecoration(text);
  if (cleaned.length === 0 || cleaned.length > 200) return null;
  const fraction = /^([+-]?)\(?([^()/]+)\)?\/\(?([^()/]+)\)?$/.exec(cleaned);
  if (fraction) {
    const top = parseDecimal(fraction[2] ?? '');
    const bottom = parseDecimal(fraction[3] ?? '');
    if (!top || !bottom || bottom.numerator === 0n) return null;
    const sign = fraction[1] === '-' ? -1n : 1n;
    return normalise(sign * top.numerator * bottom.denominator, top.denominator * bottom.numerator);
  }
  const decimal = parseDecimal(cleaned);
  return decimal ? normalise(decimal.numerator, decimal.denominator) : null;
}

function normalise(numerator: bigint, denominator: bigint): Rational {
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const divisor = greatestCommonDivisor(numerator < 0n ? -numerator : numerator, denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

function greatestCommonDivisor(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

export function rationalsEqual(a: Rational, b: Rational): boolean {
  return a.numerator === b.numerator && a.denominator === b.denominator;
}

/** Numeric answers are equivalent when both parse and are the same rational. */
export function isNumericEquivalent(given: string, groundTruth: string): boolean {
  const a = parseRational(given);
  const b = parseRational(groundTruth);
  return a !== null && b !== null && rationalsEqual(a, b);
}
