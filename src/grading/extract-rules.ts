/**
 * The default extraction (grading mode `default`): rules tried in priority order, the first that yields an
 * answer of the task's type wins.
 *
 * 1. `boxed`: the last `\boxed{…}` / `\fbox{…}`;
 * 2. `phrase`: the last "The final answer is …", "The answer is …", "Answer: …", `A: …` or `#### …`;
 * 3. `latex`: the last LaTeX math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`), its stated value (`x = 3` → `3`);
 * 4. `last-number`: the last number of the text (numeric and math answers);
 * 5. `letter`: the last `(B)` or a line starting `B)` (choice answers).
 *
 * A candidate that is not an answer of the type falls through to the next rule: for a numeric task the
 * candidate must be one number (so a broken box holding `-10. 1 - 1 = -1 -11` is no answer), for a
 * choice task a letter. Nothing found → null, which always counts as wrong.
 */
import type { AnswerType } from '../spec/problem.js';
import { lastAnswerPhrase, mathSpans, phraseAnswer, statedValue } from './answer-text.js';
import { extractLastBoxed, textOutsideBoxes } from './boxed.js';
import { lastNumberIn, numbersIn, readNumberAnswer } from './number-text.js';
import { parseChoice } from './parse-choice.js';

export type ExtractionRule = 'boxed' | 'phrase' | 'latex' | 'last-number' | 'letter';

export interface Extraction {
  answer: string | null;
  /** The rule that found the answer (null when none did). */
  rule: string | null;
}

/** Longest free-text phrase taken as a MATH answer (a longer one is a sentence, not an answer). */
const maxPhraseLength = 80;

export function extractByRules(text: string, answerType: AnswerType): Extraction {
  const boxed = extractLastBoxed(text);
  if (boxed !== null) {
    const answer = refine(boxed, answerType, 'boxed');
    if (answer !== null) return { answer, rule: 'boxed' };
  }
  return extractOutsideBoxes(/\\(?:boxed|fbox)/.test(text) ? textOutsideBoxes(text) : text, answerType);
}

/** Rules 2 to 5, on the text without its boxes (a box that held an answer of the type has won already). */
function extractOutsideBoxes(text: string, answerType: AnswerType): Extraction {
  const phrase = lastAnswerPhrase(text);
  if (phrase !== null) {
    const answer = refine(phrase, answerType, 'phrase');
    if (answer !== null) return { answer, rule: 'phrase' };
  }
  if (answerType === 'numeric' || answerType === 'math') {
    const spans = mathSpans(text);
    const last = spans[spans.length - 1];
    if (last !== undefined) {
      const answer = refine(last.content, answerType, 'latex');
      if (answer !== null) return { answer, rule: 'latex' };
    }
    const number = lastNumberIn(text.replace(/<<[^<>]*>>/g, ''));
    if (number !== null) return { answer: number, rule: 'last-number' };
  }
  if (answerType === 'choice') {
    let letter: string | null = null;
    for (const match of text.matchAll(/\(([A-Z])\)|^\s*([A-Z])\)/gm)) letter = match[1] ?? match[2] ?? null;
    if (letter !== null) return { answer: letter, rule: 'letter' };
  }
  return { answer: null, rule: null };
}

/** The candidate as an answer of the type, or null when it is not one. */
function refine(candidate: string, answerType: AnswerType, rule: ExtractionRule): string | null {
  const trimmed = candidate.trim();
  if (trimmed === '') return null;
  switch (answerType) {
    case 'numeric': {
      const whole = readNumberAnswer(trimmed);
      if (whole !== null || rule !== 'phrase') return whole;
      // "The answer is: she makes $18 a day" — a phrase holding exactly one number names it.
      const numbers = numbersIn(trimmed);
      return numbers.length === 1 ? readNumberAnswer(numbers[0] ?? '') : null;
    }
    case 'choice':
      return parseChoice(trimmed);
    case 'exact':
      return rule === 'latex' ? null : trimmed;
    case 'math': {
      if (rule === 'boxed') return trimmed;
      const text = rule === 'phrase' ? phraseAnswer(trimmed) : trimmed;
      const span = rule === 'phrase' ? mathSpans(text) : [];
      const math = span.length === 1 && span[0]?.start === 0 && span[0].end === text.length ? span[0].content : text;
      const value = statedValue(math.replace(/^\$+|\$+$/g, ''));
      if (value === '' || (rule === 'phrase' && value.length > maxPhraseLength)) return null;
      return value;
    }
  }
}
