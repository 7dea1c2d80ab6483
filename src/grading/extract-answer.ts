import type { AnswerType } from '../spec/problem.js';
import { extractLastBoxed } from './boxed.js';

/**
 * Pulling the final answer out of a model's text. The paper asks every agent to end with `\boxed{…}`, so
 * the last box always wins. Small or non-instruction models often do not box, so numeric, choice and
 * exact tasks have configurable fallbacks, tried in order; MATH uses the box alone by default, as the
 * paper's grader does. Nothing parsable → null, which always counts as wrong.
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

export const answerFallbacks: readonly AnswerFallback[] = ['hashes', 'final-line', 'answer-is', 'last-number', 'last-letter'];

export interface ExtractionOptions {
  /** Fallbacks tried in order when the text has no box. Default: per answer type (see `defaultFallbacks`). */
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
  const boxed = extractLastBoxed(text);
  if (boxed !== null) {
    const value = answerType === 'choice' ? parseChoice(boxed) : boxed.trim();
    if (value !== null && value !== '') return value;
  }
  for (const fallback of options.fallbacks ?? defaultFallbacks[answerType]) {
    const found = applyFallback(text, fallback, answerType);
    if (found !== null) return found;
  }
  return null;
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
  const trimmed = phrase.trim().replace(/^\$+|\$+$/g, '').trim();
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

/** A choice letter from `B`, `(B)`, `B)`, `B.`, `\text{(B)}`, `answer: B`, `B) some option text`. */
export function parseChoice(text: string): string | null {
  const cleaned = text.replace(/\\text(?:bf)?\{([^{}]*)\}/g, '$1').trim();
  const match =
    /^\(?([A-Z])\)?(?:[.:)]|\s|$)/.exec(cleaned) ?? /(?:^|[\s(])\(([A-Z])\)(?:\s|[.,]|$)/.exec(cleaned);
  return match?.[1] ?? null;
}
