import type { AnswerType } from '../spec/problem.js';
import type { GradingMode } from './grading-mode.js';
import { isMathEquivalent } from './math-equivalence.js';
import { explainMathEquivalence, type Verdict } from './math-equivalence-wide.js';
import { isNumericEquivalent } from './numeric-value.js';
import { readNumberAnswer } from './number-text.js';
import { parseChoice } from './parse-choice.js';

export type { Verdict } from './math-equivalence-wide.js';

/**
 * Whether two answers mean the same thing under the task's answer type. A missing answer (null) is never
 * equivalent to anything, not even another missing answer: "no answer" is always wrong and never forms a
 * voting class of its own. `groundTruth` is the reference: in the default mode a MATH answer is compared
 * with the shape the reference has (see math-equivalence-wide.ts); `paper` is the paper's checker alone.
 */
export function isEquivalent(
  given: string | null,
  groundTruth: string | null,
  answerType: AnswerType,
  mode: GradingMode = 'default',
): boolean {
  return explainEquivalence(given, groundTruth, answerType, mode).correct;
}

/** `isEquivalent` with the reason for its verdict (for `maft grade --explain`). */
export function explainEquivalence(
  given: string | null,
  groundTruth: string | null,
  answerType: AnswerType,
  mode: GradingMode = 'default',
): Verdict {
  if (given === null) return { correct: false, reason: 'no answer extracted' };
  if (groundTruth === null) return { correct: false, reason: 'no reference answer' };
  const verdict = (correct: boolean, yes: string, no: string): Verdict => ({ correct, reason: correct ? yes : no });
  switch (answerType) {
    case 'numeric': {
      // The default mode also reads a decimal comma (`2,74`) in a given answer, as its extraction does.
      const read = mode === 'default' ? (readNumberAnswer(given) ?? given) : given;
      return verdict(isNumericEquivalent(read, groundTruth), 'same exact number', 'different number, or not a number');
    }
    case 'math':
      if (mode === 'default') return explainMathEquivalence(given, groundTruth);
      return verdict(
        isMathEquivalent(given, groundTruth),
        "equal under the paper's checker",
        "not equal under the paper's checker",
      );
    case 'choice': {
      const a = parseChoice(given);
      return verdict(
        a !== null && a === parseChoice(groundTruth),
        'same letter',
        a === null ? 'not a letter' : 'different letter',
      );
    }
    case 'exact':
      return verdict(given.trim() === groundTruth.trim(), 'same text', 'different text');
  }
}
