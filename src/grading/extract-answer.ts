import type { AnswerType } from '../spec/problem.js';
import { extractLastBoxed } from './boxed.js';
import { extractByRules, type Extraction } from './extract-rules.js';
import type { GradingMode } from './grading-mode.js';
import { parseChoice } from './parse-choice.js';

export { parseChoice } from './parse-choice.js';

/**
 * Pulling the final answer out of a model's text. Two ways (grading-mode.ts):
 *
 * - mode `default`: the rules of extract-rules.ts, by priority (box, answer phrase, LaTeX math, last number);
 * - mode `paper`, or any explicit `fallbacks` list: the paper's way. The paper asks every agent to end with
 *   `\boxed{…}`, so the last box always wins; numeric, choice and exact tasks then try configurable
 *   fallbacks, in order; MATH uses the box alone, as the paper's grader does.
 *
 * Nothing parsable → null, which always counts as wrong.
 */
export type AnswerFallback =
  /** `#### N` (GSM8K's reference format). */
  | 'hashes'
  /** A final line `A: N` / `Answer: N`. */
  | 'final-line'
  /** "the (final) answer is N" anywhere; the last occurrence wins. */
  | 'answer-is'
  /** The last number in the text (numeric tasks only). */
  | 'last-number'
  /** The last `(B)`, or a line starting `B)` (choice tasks only). */
  | 'last-letter';

export const answerFallbacks: readonly AnswerFallback[] = [
  'hashes',
  'final-line',
  'answer-is',
  'last-number',
  'last-letter',
];

export interface ExtractionOptions {
  /** `default` (extraction by priorities) or `paper` (the paper's box-then-fallbacks). Default `default`. */
  mode?: GradingMode;
  /**
   * Fallbacks tried in order when the text has no box, the paper's way (given, they select that way in
   * either mode). Default: per answer type (see `defaultFallbacks`).
   */
  fallbacks?: readonly AnswerFallback[];
}

export const defaultFallbacks: Record<AnswerType, readonly AnswerFallback[]> = {
  numeric: ['hashes', 'final-line', 'answer-is', 'last-number'],
  choice: ['final-line', 'answer-is', 'last-letter'],
  exact: ['hashes', 'final-line', 'answer-is'],
  math: [],
};

const numberPattern = String.raw`[-−]?\$?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?/\s?\d+)?|[-−]?\.\d+`;
const lastNumberPattern = new RegExp(numberPattern, 'g');

/** The extracted answer string (not yet normalised), or null. */
export function extractAnswer(text: string, answerType: AnswerType, options: ExtractionOptions = {}): string | null {
  return explainExtraction(text, answerType, options).answer;
}

/** The extracted answer and the rule (or the paper's fallback) that found it. */
export function explainExtraction(text: string, answerType: AnswerType, options: ExtractionOptions = {}): Extraction {
  if ((options.mode ?? 'default') === 'default' && options.fallbacks === undefined)
    return extractByRules(text, answerType);
  const boxed = extractLastBoxed(text);
  if (boxed !== null) {
    const value = answerType === 'choice' ? parseChoice(boxed) : boxed.trim();
    if (value !== null && value !== '') return { answer: value, rule: 'boxed' };
  }
  for (const fallback of options.fallbacks ?? defaultFallbacks[answerType]) {
    const found = applyFallback(text, fallback, answerType);
    if (found !== null) return { answer: found, rule: fallback };
  }
  return { answer: null, rule: null };
}

function applyFallback(text: string, fallback: AnswerFallback, answerType: AnswerType): string | null {
  switch (fallback) {
    case 'hashes':
      return refine(lastMatch(text, /####\s*([^\n]+)/g), answerType);
    case 'final-line': {
      const lines = text.trimEnd().split('\n');
      const last = lines[lines.length - 1] ?? '';
      const match = /^\s*(?:final\s+)?(?:A|Answer)\s*[:：]\s*(.+)$/i.exec(last);
      return refine(match?.[1] ?? null, answerType);
    }
    case 'answer-is':
      return refine(
        lastMatch(text, /(?:the\s+)?(?:final\s+)?answer\s*(?:is|:|=)\s*:?\s*([^\n]+?)(?:\.\s|\.?$|\n)/gim),
        answerType,
      );
    case 'last-number':
      return answerType === 'numeric' ? lastNumber(text) : null;
    case 'last-letter':
      return answerType === 'choice' ? lastMatch(text, /(?:\(([A-Z])\)|^\s*([A-Z])\))/gm) : null;
  }
}

/** Reduce a fallback's captured phrase to the answer itself. */
function refine(phrase: string | null, answerType: AnswerType): string | null {
  if (phrase === null) return null;
  const trimmed = phrase
    .trim()
    .replace(/^\$+|\$+$/g, '')
    .trim();
  if (trimmed === '') return null;
  if (answerType === 'numeric') return lastNumber(trimmed) ?? null;
  if (answerType === 'choice') return parseChoice(trimmed);
  return trimmed;
}

function lastMatch(text: string, pattern: RegExp): string | null {
  let result: string | null = null;
  for (const match of text.matchAll(pattern)) result = match.slice(1).find((group) => group !== undefined) ?? null;
  return result;
}

function lastNumber(text: string): string | null {
  let result: string | null = null;
  for (const match of text.matchAll(lastNumberPattern)) result = match[0];
  return result === null ? null : result.replace('−', '-').replace(/\$\s?/, '').replace(/\s/g, '');
}
