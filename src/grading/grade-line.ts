import { MaftError } from '../errors/maft-error.js';
import type { AnswerType } from '../spec/problem.js';
import type { ExtractionOptions } from './extract-answer.js';
import { explainAnswer, explainResponse, type ExplainedGrade } from './grade-response.js';

/**
 * One line of `maft grade` input, graded. A line is either `{"response": <full model text>, "answer":
 * <ground truth>}` or `{"given": <extracted answer or null>, "ground_truth": <ground truth>}`; numbers are
 * accepted where strings are expected (JSON writers often emit `"answer": 18`). The grade carries its
 * explanation (extraction rule, reason); `maft grade` prints it with `--explain`.
 */
export function gradeLine(
  text: string,
  location: { file: string; line: number },
  answerType: AnswerType,
  options: ExtractionOptions = {},
): ExplainedGrade {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (error) {
    throw new MaftError('INPUT_INVALID', `not valid JSON (${(error as Error).message})`, location);
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new MaftError('INPUT_INVALID', 'expected a JSON object', location);
  }
  const fields = row as Record<string, unknown>;
  if ('response' in fields) {
    const response = readText(fields, 'response', location, false);
    const answer = readText(fields, 'answer', location, false);
    return explainResponse(response ?? '', answer ?? '', answerType, options);
  }
  if ('given' in fields) {
    const given = readText(fields, 'given', location, true);
    const truth = readText(fields, 'ground_truth', location, false);
    return explainAnswer(given, truth ?? '', answerType, options);
  }
  throw new MaftError('INPUT_INVALID', 'expected {"response", "answer"} or {"given", "ground_truth"}', location);
}

function readText(
  fields: Record<string, unknown>,
  field: string,
  location: { file: string; line: number },
  nullable: boolean,
): string | null {
  const value = fields[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === null && nullable) return null;
  const expected = nullable ? 'a string, a number or null' : 'a string or a number';
  const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)?.slice(0, 40)}`;
  throw new MaftError('INPUT_INVALID', `expected ${expected}, ${got}`, { ...location, field });
}
