/**
 * How a problem's answer is compared with the ground truth:
 * - `numeric`: numbers (integers, decimals, thousands commas, signs, units around them, simple fractions);
 * - `math`: LaTeX answers with the MATH checker's semantics (normalisation, tuples, symbolic check);
 * - `choice`: a multiple-choice letter (A–Z);
 * - `exact`: whitespace-trimmed, case-sensitive string equality.
 */
export type AnswerType = 'numeric' | 'math' | 'choice' | 'exact';

export const answerTypes: readonly AnswerType[] = ['numeric', 'math', 'choice', 'exact'];

/** One problem of a task, with its ground truth. */
export interface Problem {
  /** Stable id: the same source and options always give the same id. */
  id: string;
  /** The task that produced it (`arithmetic`, `gsm8k`, `math`, `mmlu`, `jsonl`). */
  task: string;
  /** The problem text shown to the agents (for choice tasks, with the lettered options). */
  question: string;
  /** The ground-truth answer, already extracted (e.g. the last `\boxed{}` of a MATH solution). */
  answer: string;
  answerType: AnswerType;
  /** Source-specific facts kept for reports and filters (level, subject, file…). */
  metadata?: Record<string, string | number>;
}

/** Which part of a task's problems a run uses: finetune on one, evaluate on the other (disjoint). */
export type SplitName = 'finetune' | 'eval';
