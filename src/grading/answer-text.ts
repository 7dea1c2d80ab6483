/**
 * Where an answer sits in a response written without `\boxed{}`, for the default extraction
 * (extract-rules.ts): answer phrases ("The final answer is …", "The answer is …", "Answer: …", a final
 * `A: …` line, GSM8K's `#### …`) and LaTeX math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`).
 */

/** A phrase that introduces an answer; the last one in the text wins. */
const answerMarkers = [
  /####/g,
  /\b(?:the\s+)?(?:final\s+)?answer\s*(?:(?:is|would\s+be|will\s+be|=)\s*[:：]?|[:：])/gi,
  /^\s*(?:final\s+)?A\s*[:：]/gim,
];

/** The answer a phrase gives: the text after the last answer marker, cut at the end of its sentence. */
export function lastAnswerPhrase(text: string): string | null {
  const plain = text.replace(/\*\*/g, '');
  let best: { end: number; start: number } | null = null;
  for (const marker of answerMarkers) {
    for (const match of plain.matchAll(marker)) {
      if (best === null || match.index > best.start) best = { start: match.index, end: match.index + match[0].length };
    }
  }
  if (best === null) return null;
  return cutPhrase(plain.slice(best.end));
}

/** The answer at the start of `rest`: a math span there, else the text up to the end of the sentence. */
function cutPhrase(rest: string): string | null {
  const trimmed = rest.replace(/^[\s:]+/, '');
  const span = mathSpans(trimmed)[0];
  if (span !== undefined && span.start === 0) return span.content.trim() || null;
  const line = trimmed.split('\n')[0] ?? '';
  // The sentence ends at `. ` (not a decimal point), `;`, or a comma before a word (", which").
  const end = /\.(?:\s|$)|;|,\s+(?=[A-Za-z]{2})|\s+(?:because|since|which|as|so)\s/.exec(line);
  const phrase = (end === null ? line : line.slice(0, end.index)).trim().replace(/\.$/, '').trim();
  return phrase === '' ? null : phrase;
}

export interface MathSpan {
  start: number;
  end: number;
  content: string;
  display: boolean;
}

const openers: { open: string; close: string; display: boolean }[] = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
  { open: '$', close: '$', display: false },
];

/**
 * The LaTeX math spans of a text, in order. Inline math (`$…$`, `\(…\)`) stays on one line, display math
 * may span lines; an escaped `\$` is never a delimiter. A `$` with no closer on its line is not math.
 */
export function mathSpans(text: string): MathSpan[] {
  const spans: MathSpan[] = [];
  // Per opener, the end of a range already searched in vain: a later opener inside it cannot close either
  // (this keeps 100 KB of `\(` linear).
  const failedUntil = new Map<string, number>();
  let index = 0;
  while (index < text.length) {
    const character = text[index];
    if (character !== '$' && character !== '\\') {
      index++;
      continue;
    }
    if (character === '\\' && text[index + 1] !== '[' && text[index + 1] !== '(') {
      index += 2; // `\$`, `\\` and macros never open math
      continue;
    }
    const opener = openers.find((candidate) => text.startsWith(candidate.open, index));
    if (opener === undefined) {
      index++;
      continue;
    }
    const from = index + opener.open.length;
    if (index < (failedUntil.get(opener.open) ?? -1)) {
      index = from;
      continue;
    }
    const close = findCloser(text, from, opener.close, opener.display);
    if (close < 0) {
      const lineEnd = text.indexOf('\n', from);
      failedUntil.set(opener.open, opener.display || lineEnd < 0 ? text.length : lineEnd);
      index = from;
      continue;
    }
    const content = text.slice(from, close);
    if (opener.open === '$' && isProse(content)) {
      index = from; // `$40 for candles and $` is money in a sentence, not math
      continue;
    }
    spans.push({ start: index, end: close + opener.close.length, content, display: opener.display });
    index = close + opener.close.length;
  }
  return spans;
}

/** Two words in a row outside macros and `\text{}`: a sentence between two dollar amounts. */
function isProse(content: string): boolean {
  const bare = content.replace(/\\(?:text|mbox|mathrm|textbf)\s*\{[^{}]*\}/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
  return /[a-zA-Z]{2,}\s+[a-zA-Z]{2,}/.test(bare);
}

function findCloser(text: string, from: number, close: string, display: boolean): number {
  for (let index = from; index < text.length; index++) {
    const character = text[index];
    if (character === '\n' && !display) return -1;
    if (character === '\\' && close === '$') {
      index++; // `\$` inside math is a dollar sign, not the end
      continue;
    }
    if (text.startsWith(close, index) && !(close === '\\]' && text[index - 1] === '\\')) {
      if (close === '$' && index === from) return -1; // `$$` is handled as display math
      return index;
    }
  }
  return -1;
}

/** A name on the left of `=`: `x`, `x_1`, `f(x)`, `\theta`, `\text{area}`. */
const namePattern = /^\s*(?:[a-zA-Z](?:_\{?\w+\}?)?|[a-zA-Z]\s*\([^()]*\)|\\[a-zA-Z]+|\\text\{[^{}]*\})\s*$/;

/** Letters of a LaTeX text once macros and `\text{…}` units are taken out. */
function hasUnknown(text: string): boolean {
  return /[a-zA-Z]/.test(text.replace(/\\(?:text|mbox|mathrm)\s*\{[^{}]*\}/g, '').replace(/\\[a-zA-Z]+/g, ''));
}

/**
 * The value a math answer states: `x = \frac{1}{3}` gives `\frac{1}{3}`, `2 \cdot 9 = 18` gives `18` and
 * `x = 5 + 5 + 1 = 11` or `a + b = -1 + 5 = 4` give `11` and `4`; an equation is kept whole when its right
 * side still holds an unknown (`y = 2x + 3`), when it has one `=` and its left side is neither a name nor a
 * computation (`x^2 = 5`), and when it is one of several (`x = 1 \text{ or } x = -2`).
 */
export function statedValue(math: string): string {
  const trimmed = math
    .trim()
    .replace(/[.,;]$/, '')
    .trim();
  if (/\\[lg]eq?\b|[<>≤≥]|\\neq|\\approx/.test(trimmed)) return trimmed;
  const sides = trimmed.split('=');
  if (sides.length < 2 || /,|\bor\b|\band\b/.test(trimmed)) return trimmed;
  const left = sides[0] ?? '';
  const right = (sides[sides.length - 1] ?? '').trim();
  if (right === '' || hasUnknown(right)) return trimmed;
  // A chain `a + b = -1 + 5 = 4` is a computation whose last value is the result; `x^2 = 5` is an equation.
  return namePattern.test(left) || !hasUnknown(left) || sides.length > 2 ? right : trimmed;
}

/**
 * A phrase in words names its answer after its last "is", "equals" or colon (`The largest $n$ is 34`,
 * `the larger of the two: $x=1$`), else in its last math; a phrase that is already an answer is kept whole.
 */
export function phraseAnswer(phrase: string): string {
  const prose = phrase.replace(/\$[^$]*\$|\\\([^]*?\\\)|\\[a-zA-Z]+(?:\{[^{}]*\})?/g, ' ');
  if (!/[a-zA-Z]{3,}\s+[a-zA-Z]{2,}/.test(prose)) return phrase;
  let tail: string | null = null;
  for (const match of phrase.matchAll(/\b(?:is|are|was|equals)\s+|:\s*/g))
    tail = phrase.slice(match.index + match[0].length);
  if (tail !== null && tail.trim() !== '') return tail.trim();
  const spans = mathSpans(phrase);
  return spans[spans.length - 1]?.content ?? phrase;
}
