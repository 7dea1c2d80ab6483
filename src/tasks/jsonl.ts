import path from 'node:path';
import { z } from 'zod';
import { answerTypes, type AnswerType, type Problem } from '../spec/problem.js';
import { readTextFile } from './files.js';
import {
  assertUniqueIds,
  nonBlankLines,
  parseJsonObject,
  requireString,
  stringOrNumberField,
  type SourceLocation,
} from './input.js';
import type { Task } from './task.js';

/** Any JSONL file of question/answer records: the escape hatch for data sets maft has no loader for. */
export const jsonlOptionsSchema = z.strictObject({
  /** The JSONL file. */
  path: z.string().min(1),
  /** Field holding the question text (a non-empty string). Default `question`. */
  questionField: z.string().min(1).default('question'),
  /** Field holding the final answer, already extracted (a string or a number). Default `answer`. */
  answerField: z.string().min(1).default('answer'),
  /** Field holding a stable id (string or number). Default: none, ids are `jsonl/<file name>/<line>`. */
  idField: z.string().min(1).optional(),
  /** How answers are compared. Required: guessing it wrong would silently mis-grade every problem. */
  answerType: z.enum(answerTypes as [AnswerType, ...AnswerType[]]),
});

export type JsonlOptions = z.output<typeof jsonlOptionsSchema>;

export type JsonlFields = Pick<JsonlOptions, 'questionField' | 'answerField' | 'idField' | 'answerType'>;

/** One line → a problem (pure). */
export function parseJsonlTaskLine(
  text: string,
  location: SourceLocation & { line: number },
  fields: JsonlFields,
): Problem {
  const record = parseJsonObject(text, location);
  const question = requireString(record, fields.questionField, location);
  const answer = stringOrNumberField(record, fields.answerField, location) as string;
  const id =
    fields.idField === undefined
      ? `jsonl/${path.basename(location.file, '.jsonl')}/${location.line}`
      : (stringOrNumberField(record, fields.idField, location) as string);
  return { id, task: 'jsonl', question, answer: answer.trim(), answerType: fields.answerType };
}

/** Every non-blank line of the text; repeated ids (from `idField`) are INPUT_INVALID. Pure. */
export function parseJsonlTaskText(text: string, file: string, fields: JsonlFields): Problem[] {
  const located = nonBlankLines(text).map(({ line, text: lineText }) => {
    const location = { file, line };
    return { problem: parseJsonlTaskLine(lineText, location, fields), location };
  });
  assertUniqueIds(located.map(({ problem, location }) => ({ id: problem.id, location })));
  return located.map((item) => item.problem);
}

export async function loadJsonl(options: JsonlOptions): Promise<Task> {
  const problems = parseJsonlTaskText(await readTextFile(options.path), options.path, options);
  return { name: 'jsonl', answerType: options.answerType, problems };
}
