/**
 * Numbers as models write them in running text, for the default extraction (extract-rules.ts): a candidate
 * answer is accepted as a number only when all of it is one number, perhaps decorated (`$18`, `18 dollars`,
 * `1,000.99€`, `x = 7`, `\frac{3}{4}`, `28\%`), so a broken box holding junk is never a numeric answer.
 *
 * Separators, conservatively: `1,000` and `12,345,678` are thousands (the English reading, also when a
 * comma could be a decimal one); a single comma followed by one, two or four or more digits, or after a
 * lone `0` (`2,74`, `1000,99`, `0,111`), is a decimal comma; `1 000` is a thousand only as a whole answer
 * in groups of three; digits separated by spaces otherwise (`3 4`) are not a number.
 */
import { parseRational } from './numeric-value.js';

const currency = /[€£¥₹]|\\euro\b|\\pounds\b|\bUSD\b|\bEUR\b/g;
const superscriptUnits = /[²³]/g;

/** The same number written with a `.` decimal point and no grouping spaces; the text itself otherwise. */
function withDecimalPoint(text: string): string {
  let result = text.replace(currency, '').replace(superscriptUnits, '').trim();
  // `1{,}000`, `1\,000` and `1\!000` are LaTeX thousands separators.
  result = result.replace(/(\d)(?:\{,\}|\\,|\\!)(?=\d{3}(?!\d))/g, '$1,');
  // A lone decimal comma: `2,74`, `1000,99`, `0,111` (but never `1,000` or a list such as `1,2,3`).
  result = result.replace(/^([-−+]?\$?)(\d+),(\d+)(?![\d,])/, (whole, sign: string, head: string, tail: string) =>
    tail.length === 3 && head.length <= 3 && head !== '0' ? whole : `${sign}${head}.${tail}`,
  );
  return result;
}

/** Digits separated only by spaces are one number only in thousands groups: `1 000`, `12 345 678`. */
function hasStrayDigitSpaces(text: string): boolean {
  const stripped = text.replace(/(?<!\d)\d{1,3}(?: \d{3})+(?!\d)/g, 'N');
  return /\d\s+[-−+]?\d/.test(stripped) || /\d\s+\.\d/.test(stripped);
}

/**
 * The text as a numeric answer (decimal commas turned into points), or null when it is not one number.
 * `a = b = 18` gives `18`: the value after the last `=` of a chain is what was found.
 */
export function readNumberAnswer(text: string): string | null {
  const trimmed = text
    .trim()
    .replace(/^\$+|\$+$/g, '')
    .replace(/\.$/, '')
    .trim();
  if (trimmed === '' || trimmed.length > 200) return null;
  const candidates = [trimmed];
  const lastEquals = trimmed.lastIndexOf('=');
  // `2 \cdot 9 = 18` states 18, but `-1 = 3` (a number equal to another) states nothing.
  const firstSide = trimmed.slice(0, trimmed.indexOf('=')).trim();
  if (lastEquals >= 0 && parseRational(withDecimalPoint(firstSide)) === null)
    candidates.push(trimmed.slice(lastEquals + 1).trim());
  for (const candidate of candidates) {
    if (candidate === '' || hasStrayDigitSpaces(candidate)) continue;
    const normalised = withDecimalPoint(candidate).replace(/^−/, '-');
    if (/[=<>]/.test(normalised.replace(/^[a-zA-Z]\s*=/, ''))) continue;
    const value = parseRational(normalised);
    if (value === null) continue;
    // `-12 dollars`, `$1,080`, `x = 7`: the number itself (what the vote shows), when it alone is the value.
    const tokens = numbersIn(normalised).map((token) => token.replace(/\$\s?/, '').replace(/\s/g, ''));
    const only = tokens.length === 1 ? parseRational(tokens[0] ?? '') : null;
    return only !== null && only.numerator === value.numerator && only.denominator === value.denominator
      ? (tokens[0] ?? normalised)
      : normalised;
  }
  return null;
}

/** One number token of running text: signs, `$`, thousands commas, decimals (point or comma), `a/b`. */
const numberToken =
  /(?<![A-Za-z_])(?:(?<![\w)\]])[-−])?\$?\s?(?:[1-9]\d{0,2}(?:,\d{3})+(?!\d)(?:\.\d+)?|[1-9]\d{0,2}(?: \d{3})+(?![\d,])(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+)(?:\s?\/\s?\d+)?/g;

/** LaTeX thousands separators (`1{,}080`, `1\,080`, `1\!080`) as plain commas. */
function plainSeparators(text: string): string {
  return text.replace(/(\d)(?:\{,\}|\\,|\\!|,\\!\s?)(?=\d{3}(?!\d))/g, '$1,');
}

/** The last number of a running text, or null. A `3,4` inside brackets or a list stays two numbers. */
export function lastNumberIn(input: string): string | null {
  const text = plainSeparators(input);
  let last: RegExpExecArray | null = null;
  for (const match of text.matchAll(numberToken)) last = match;
  if (last === null) return null;
  let token = last[0].replace(/−/g, '-').replace(/\$\s?/, '').replace(/\s/g, '');
  const decimalComma = /^(-?)(\d+),(\d+)$/.exec(token);
  if (decimalComma !== null) {
    const before = text[last.index - 1] ?? '';
    const after = text.slice(last.index + last[0].length, last.index + last[0].length + 2);
    const inList =
      (before !== '' && '([{'.includes(before)) || /^,\s?\d/.test(after) || /\d,\s?$/.test(text.slice(0, last.index));
    const [, sign = '', head = '', tail = ''] = decimalComma;
    const thousands = tail.length === 3 && head.length <= 3 && !head.startsWith('0');
    if (!thousands) token = inList ? tail : `${sign}${head}.${tail}`;
  }
  return token;
}

/** How many number tokens the text holds (a phrase with exactly one names its answer). */
export function numbersIn(text: string): string[] {
  return [...text.matchAll(numberToken)].map((match) => match[0].trim());
}
