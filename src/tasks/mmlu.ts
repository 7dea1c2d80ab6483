import path from 'node:path';
import { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';
import type { Problem } from '../spec/problem.js';
import { parseCsv } from './csv.js';
import { listDirectory, pathKind, readTextFile } from './files.js';
import { invalidInput } from './input.js';
import type { Task } from './task.js';

/**
 * MMLU (hendrycks/test), original layout: one header-less CSV per subject, named `<subject>_<split>.csv`
 * (`abstract_algebra_test.csv`), columns question, A, B, C, D, answer letter.
 */
export const mmluOptionsSchema = z.strictObject({
  /** One CSV file, or a directory of them (e.g. `data/test`); a directory must hold a single split. */
  path: z.string().min(1),
  /** Subjects to keep (`abstract_algebra`, …). Default: all. A subject with no file is an error. */
  subjects: z.array(z.string().min(1)).min(1).optional(),
});

export type MmluOptions = z.output<typeof mmluOptionsSchema>;

const letters = ['A', 'B', 'C', 'D'] as const;

/** `abstract_algebra_test.csv` → subject `abstract_algebra`, split `test`; other names: the stem, no split. */
export function mmluFileName(fileName: string): { subject: string; split?: string } {
  const match = /^(.+)_(test|dev|val|train)\.csv$/.exec(fileName);
  if (match?.[1] !== undefined && match[2] !== undefined) return { subject: match[1], split: match[2] };
  return { subject: path.basename(fileName, '.csv') };
}

/** The question with its options as `A) …` lines: what the agents see. */
export function mmluQuestion(question: string, options: readonly string[]): string {
  return [question, ...options.map((option, index) => `${letters[index] ?? '?'}) ${option}`)].join('\n');
}

/** One subject's CSV text → problems with ids `mmlu/<subject>/<row>` (row: 1-based record number). Pure. */
export function parseMmluCsv(text: string, file: string, subject: string): Problem[] {
  return parseCsv(text, file).map(({ line, fields }, index) => {
    const location = { file, line };
    if (fields.length !== 6) {
      const got = `got ${fields.length}`;
      throw invalidInput(location, undefined, `expected 6 columns (question, A, B, C, D, answer), ${got}`);
    }
    const [question = '', ...rest] = fields;
    const options = rest.slice(0, 4);
    const answer = (rest[4] ?? '').trim();
    if (question.trim() === '') throw invalidInput(location, 'question', 'expected a non-empty string');
    if (!(letters as readonly string[]).includes(answer)) {
      throw invalidInput(location, 'answer', `expected one of A, B, C, D, got ${JSON.stringify(answer)}`);
    }
    return {
      id: `mmlu/${subject}/${index + 1}`,
      task: 'mmlu',
      question: mmluQuestion(question, options),
      answer,
      answerType: 'choice',
      metadata: { subject },
    };
  });
}

/** The CSV files to read: the file itself, or a directory's `*.csv` (all of one split). */
async function csvFiles(source: string): Promise<string[]> {
  if ((await pathKind(source)) === 'file') return [source];
  const names = (await listDirectory(source)).filter((entry) => entry.kind === 'file' && entry.name.endsWith('.csv'));
  if (names.length === 0) throw invalidInput({ file: source }, undefined, 'holds no .csv files');
  const splits = new Set(names.map((entry) => mmluFileName(entry.name).split));
  if (splits.size > 1) {
    // Ids are per subject and row, so two splits of a subject would collide.
    throw invalidInput({ file: source }, undefined, 'holds files of several splits; point at one (e.g. data/test)');
  }
  return names.map((entry) => path.join(source, entry.name));
}

export async function loadMmlu(options: MmluOptions): Promise<Task> {
  const files = (await csvFiles(options.path)).map((file) => ({ file, ...mmluFileName(path.basename(file)) }));
  const wanted = options.subjects;
  if (wanted !== undefined) {
    const present = new Set(files.map((file) => file.subject));
    const missing = wanted.filter((subject) => !present.has(subject));
    if (missing.length > 0) {
      throw new MaftError(
        'CONFIG_INVALID',
        `no MMLU file for subject ${missing.join(', ')}; subjects present: ${[...present].join(', ')}`,
        { field: 'subjects' },
      );
    }
  }
  const problems: Problem[] = [];
  for (const { file, subject } of files) {
    if (wanted !== undefined && !wanted.includes(subject)) continue;
    problems.push(...parseMmluCsv(await readTextFile(file), file, subject));
  }
  return { name: 'mmlu', answerType: 'choice', problems };
}
