import type { AnswerType } from '../spec/problem.js';
import { isEquivalent } from './equivalence.js';
import { extractAnswer, type ExtractionOptions } from './extract-answer.js';

export interface Grade {
  /** The answer pulled out of the response, or null when none was parsable. */
  extracted: string | null;
  correct: boolean;
}

/** Extract the answer from a full model response and check it against the ground truth. */
export function gradeResponse(
  response: string,
  groundTruth: string,
  answerType: AnswerType,
  options: ExtractionOptions = {},
): Grade {
  const extracted = extractAnswer(response, answerType, options);
  return { extracted, correct: isEquivalent(extracted, groundTruth, answerType) };
}

/** Check an already-extracted answer. */
export function gradeAnswer(given: string | null, groundTruth: string, answerType: AnswerType): Grade {
  return { extracted: given, correct: isEquivalent(given, groundTruth, answerType) };
}
