import path from 'node:path';
import { z } from 'zod';
import type { Problem } from '../spec/problem.js';
import { readTextFile } from './files.js';
import { invalidInput, nonBlankLines, parseJsonObject, requireString, type SourceLocation } from './input.js';
import type { Task } from './task.js';

/** GSM8K (openai/grade-school-math): JSONL lines `{question, answer}`, the answer ending `#### N`. */
export const gsm8kOptionsSchema = z.strictObject({
  /** The JSONL file (e.g. `gsm8k/test.jsonl`). Required: maft ships no data. */
  path: z.string().min(1),
});

export type Gsm8kOptions = z.output<typeof gsm8kOptionsSchema>;

/**
 * The final answer of a GSM8K reference solution: the number after the last `#### `, thousands commas
 * removed and the sign kept (`#### 1,080` → `1080`, `#### -3` → `-3`). Null when there is none or it is not
 * a plain number.
 */
export function parseGsm8kAnswer(solution: string): string | null {
  const marker = solution.lastIndexOf('####');
  if (marker < 0) return null;
  const number = solution
    .slice(marker + 4)
    .trim()
    .replace(/,/g, '');
  return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(number) ? number.replace(/^\+/, '') : null;
}

/** One JSONL line → a problem; the id is `gsm8k/<file name without .jsonl>/<line>`. */
export function parseGsm8kLine(text: string, location: SourceLocation & { line: number }): Problem {
  const record = parseJsonObject(text, location);
  const question = requireString(record, 'question', location);
  const solution = requireString(record, 'answer', location);
  const answer = parseGsm8kAnswer(solution);
  if (answer === null) {
    throw invalidInput(location, 'answer', 'expected the solution to end with "#### <number>"');
  }
  return {
    id: `gsm8k/${path.basename(location.file, '.jsonl')}/${location.line}`,
    task: 'gsm8k',
    question,
    answer,
    answerType: 'numeric',
  };
}

/** Every non-blank line of a GSM8K JSONL text (pure; `file` is only for ids and errors). */
export function parseGsm8kText(text: string, file: string): Problem[] {
  return nonBlankLines(text).map(({ line, text: lineText }) => parseGsm8kLine(lineText, { file, line }));
}

export async function loadGsm8k(options: Gsm8kOptions): Promise<Task> {
  const problems = parseGsm8kText(await readTextFile(options.path), options.path);
  return { name: 'gsm8k', answerType: 'numeric', problems };
}
