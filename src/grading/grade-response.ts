import type { AnswerType } from '../spec/problem.js';
import { explainEquivalence } from './equivalence.js';
import { explainExtraction, type ExtractionOptions } from './extract-answer.js';

export interface Grade {
  /** The answer pulled out of the response, or null when none was parsable. */
  extracted: string | null;
  correct: boolean;
}

/** A grade with its explanation: the extraction rule that found the answer and why it matched or not. */
export interface ExplainedGrade extends Grade {
  /** `boxed`, `phrase`, `latex`, `last-number`, `letter` (or a paper fallback); `given` for a given answer. */
  rule: string | null;
  reason: string;
}

/** Extract the answer from a full model response and check it against the ground truth. */
export function gradeResponse(
  response: string,
  groundTruth: string,
  answerType: AnswerType,
  options: ExtractionOptions = {},
): Grade {
  const { extracted, correct } = explainResponse(response, groundTruth, answerType, options);
  return { extracted, correct };
}

/** `gradeResponse`, explained. */
export function explainResponse(
  response: string,
  groundTruth: string,
  answerType: AnswerType,
  options: ExtractionOptions = {},
): ExplainedGrade {
  const { answer, rule } = explainExtraction(response, answerType, options);
  const { correct, reason } = explainEquivalence(answer, groundTruth, answerType, options.mode);
  return { extracted: answer, correct, rule, reason };
}

/** Check an already-extracted answer. */
export function gradeAnswer(
  given: string | null,
  groundTruth: string,
  answerType: AnswerType,
  options: ExtractionOptions = {},
): Grade {
  const { extracted, correct } = explainAnswer(given, groundTruth, answerType, options);
  return { extracted, correct };
}

/** `gradeAnswer`, explained. */
export function explainAnswer(
  given: string | null,
  groundTruth: string,
  answerType: AnswerType,
  options: ExtractionOptions = {},
): ExplainedGrade {
  const { correct, reason } = explainEquivalence(given, groundTruth, answerType, options.mode);
  return { extracted: given, correct, rule: given === null ? null : 'given', reason };
}
