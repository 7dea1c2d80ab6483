import { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';
import { extractLastBoxed } from '../grading/boxed.js';
import type { Problem } from '../spec/problem.js';
import {
  describeValue,
  invalidInput,
  requireString,
  stringOrNumberField,
  type JsonObject,
  type SourceLocation,
} from './input.js';

/**
 * MATH (Hendrycks et al. 2021) records, from JSONL or from the original one-file-per-problem tree (the
 * loader in math-files.ts does the I/O). Fields: `problem`, `level` ("Level 1".."Level 5", "Level ?" or an
 * integer as in MATH-500), `type` or `subject`, `solution`, optional `answer` and `unique_id`.
 */
export const mathOptionsSchema = z.strictObject({
  /** A JSONL file, a split directory of the original tree (`MATH/test`) or one subject directory of it. */
  path: z.string().min(1),
  /**
   * Levels to keep, or `all`. Default [1, 2, 3], the paper's setting. Any list excludes the "Level ?"
   * records (their level is unknown); `all` keeps them.
   */
  levels: z.union([z.literal('all'), z.array(z.int().min(1).max(5)).min(1)]).default([1, 2, 3]),
  /**
   * Subjects to keep, in either spelling (`Counting & Probability` or `counting_and_probability`). Default:
   * all. A subject that matches no record is an error (it is most likely a typo).
   */
  subjects: z.array(z.string().min(1)).min(1).optional(),
});

export type MathOptions = z.output<typeof mathOptionsSchema>;

/** `Counting & Probability` and `counting_and_probability` both → `counting_and_probability`. */
export function normaliseMathSubject(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** `Level 3` or 3 → 3; `Level ?` → null (unknown). Anything else is INPUT_INVALID. */
export function parseMathLevel(value: unknown, location: SourceLocation): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  if (typeof value === 'string') {
    const match = /^\s*(?:Level\s*)?(\d+|\?)\s*$/i.exec(value);
    if (match?.[1] === '?') return null;
    if (match?.[1] !== undefined && Number(match[1]) >= 1) return Number(match[1]);
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
  throw invalidInput(location, 'level', `expected "Level N", "Level ?" or a positive integer, got ${shown}`);
}

/**
 * One MATH record → a problem. The answer is `answer` when present, else the last `\boxed{}` of the
 * solution; with neither the record is INPUT_INVALID. The id is `unique_id` when present, else `fallbackId`
 * (the tree's `<split>/<subject>/<n>.json`). `defaultSubject` stands in for a missing `type`/`subject`.
 */
export function parseMathRecord(
  record: JsonObject,
  location: SourceLocation,
  fallbackId: string,
  defaultSubject?: string,
): Problem {
  const question = requireString(record, 'problem', location);
  const level = parseMathLevel(record['level'], location);
  const subjectField = record['type'] !== undefined ? 'type' : 'subject';
  const subject =
    record[subjectField] === undefined && defaultSubject !== undefined
      ? defaultSubject
      : requireString(record, subjectField, location);
  let answer = stringOrNumberField(record, 'answer', location, true);
  if (answer === undefined) {
    if (record['solution'] === undefined) {
      throw invalidInput(location, 'solution', 'missing (and there is no answer field)');
    }
    const solution = requireString(record, 'solution', location);
    answer = extractLastBoxed(solution) ?? undefined;
    if (answer === undefined) {
      throw invalidInput(location, 'solution', 'has no \\boxed{} answer (and there is no answer field)');
    }
  }
  return {
    id: stringOrNumberField(record, 'unique_id', location, true) ?? fallbackId,
    task: 'math',
    question,
    answer,
    answerType: 'math',
    metadata: { level: level ?? '?', subject: normaliseMathSubject(subject) },
  };
}

export interface MathFilter {
  levels: MathOptions['levels'];
  subjects?: readonly string[] | undefined;
}

/** Keep the problems of the chosen levels and subjects (source order kept). */
export function filterMathProblems(problems: readonly Problem[], filter: MathFilter): Problem[] {
  const subjects = filter.subjects?.map(normaliseMathSubject);
  if (subjects !== undefined) {
    const present = new Set(problems.map((problem) => String(problem.metadata?.['subject'])));
    const missing = subjects.filter((subject) => !present.has(subject));
    if (missing.length > 0) {
      throw new MaftError(
        'CONFIG_INVALID',
        `no problem has subject ${missing.join(', ')}; subjects present: ${[...present].sort().join(', ')}`,
        { field: 'subjects' },
      );
    }
  }
  const { levels } = filter;
  return problems.filter((problem) => {
    const level = problem.metadata?.['level'];
    if (levels !== 'all' && !(typeof level === 'number' && levels.includes(level))) return false;
    return subjects === undefined || subjects.includes(String(problem.metadata?.['subject']));
  });
}
