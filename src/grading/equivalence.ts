import type { AnswerType } from '../spec/problem.js';
import { isMathEquivalent } from './math-equivalence.js';
import { isNumericEquivalent } from './numeric-value.js';
import { parseChoice } from './extract-answer.js';

/**
 * Whether two answers mean the same thing under the task's answer type. A missing answer (null) is never
 * equivalent to anything, not even another missing answer: "no answer" is always wrong and never forms a
 * voting class of its own.
 */
export function isEquivalent(given: string | null, groundTruth: string | null, answerType: AnswerType): boolean {
  if (given === null || groundTruth === null) return false;
  switch (answerType) {
    case 'numeric':
      return isNumericEquivalent(given, groundTruth);
    case 'math':
      return isMathEquivalent(given, groundTruth);
    case 'choice': {
      const a = parseChoice(given);
      return a !== null && a === parseChoice(groundTruth);
    }
    case 'exact':
      return given.trim() === groundTruth.trim();
  }
}
