import type { AnswerType, Problem } from '../spec/problem.js';

/**
 * A task is a source of problems with ground truth. Loading is the only I/O; everything after it
 * (splitting, grading, voting) is pure.
 */
export interface Task {
  /** `arithmetic`, `gsm8k`, `math`, `mmlu` or `jsonl`. */
  name: string;
  answerType: AnswerType;
  /** Every problem the source holds after the task's filters, in a stable order, ids unique. */
  problems: Problem[];
}
