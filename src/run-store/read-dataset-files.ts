/**
 * Reading back a dataset the data stage wrote (artifacts/data/<method>/iteration-<k>/): its summary.json and its
 * canonical rows files, `rows/<model>.jsonl`. The one strict reader both the train stage and `maft labels` use,
 * so a damaged dataset is refused the same way everywhere: RUN_CORRUPT, one line, with the file, the line and
 * the field — never a bare JSON error, and never a missing file read as zero rows.
 *
 * The contract with the writer (src/finetune-data/dataset-files.ts): every file is written whole and
 * atomically, summary.json last, each row one line ending in `\n`. So unlike a stage's append-only records,
 * a torn last line here is damage, not a crash to repair.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';
import { modelRoles, trainingRoles, trainingRowKinds, type ModelRole, type TrainingRow } from '../spec/training-row.js';
import { scanJsonl } from './jsonl-scan.js';

/** One model's dataset as summary.json lists it; its rows are `rows/<name>.jsonl`. */
export interface DatasetModel {
  /** A file name without extension (letters, digits, `_`, `.`, `-`). */
  name: string;
  /** The agent the model belongs to; null for a model shared by every agent. */
  agent: number | null;
  role: ModelRole;
}

/** The parts of summary.json its readers rely on. */
export interface DatasetSummary {
  /** The stage whose records the rows came from; absent in data written before it was recorded. */
  source?: string;
  /** The stored dataset sizes, one per model (their shape is the data stage's; read, not checked, here). */
  sizes: unknown[];
  models: DatasetModel[];
}

/** A row with the 1-based line it was read from, so a check on top can name it. */
export interface RowLine {
  line: number;
  row: TrainingRow;
}

const modelSchema = z.object({
  name: z.string().regex(/^[\w.-]+$/, 'expected a file name (letters, digits, _ . -)'),
  agent: z.number().int().min(0).nullable(),
  role: z.enum(modelRoles),
});
const summarySchema = z.object({
  source: z.string().optional(),
  sizes: z.array(z.unknown()),
  models: z.array(modelSchema),
});

const message = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const count = (minimum: number) => z.number().int().min(minimum);
const rowSchema = z.object({
  prompt: z
    .array(message)
    .min(1)
    .refine((messages) => messages[messages.length - 1]?.role === 'user', 'expected the last message to be the user’s'),
  completion: z.object({ role: z.literal('assistant'), content: z.string() }),
  metadata: z.object({
    agent: count(0),
    role: z.enum(trainingRoles),
    iteration: count(1),
    problemId: z.string(),
    sourceRound: count(1),
    kind: z.enum(trainingRowKinds),
    answer: z.string(),
    majority: z.string(),
  }),
});

/** The first zod issue as a one-line error at `file` (and `line`): the field it is about, what was expected. */
function refusal(error: z.ZodError, what: string, location: { file: string; line?: number }): MaftError {
  const issue = error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.join('.');
  return new MaftError('RUN_CORRUPT', `${what} (${issue?.message ?? 'invalid'})`, { ...location, field });
}

/** summary.json of a dataset; missing or malformed is RUN_CORRUPT. */
export function readDatasetSummary(file: string): DatasetSummary {
  if (!existsSync(file))
    throw new MaftError('RUN_CORRUPT', 'missing: the data stage writes summary.json last, so it never finished', {
      file,
    });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MaftError('RUN_CORRUPT', `not valid JSON (${(error as Error).message})`, { file });
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) throw refusal(parsed.error, 'not a data summary', { file });
  return parsed.data;
}

/**
 * A rows file: present (summary.json lists it), whole lines (no torn tail), each a training row of the
 * expected shape (src/spec/training-row.ts). The rows come back in file order with their line numbers.
 */
export function readRowsFile(file: string): RowLine[] {
  if (!existsSync(file)) throw new MaftError('RUN_CORRUPT', 'rows file listed in summary.json is missing', { file });
  const scan = scanJsonl(readFileSync(file), file);
  if (scan.torn !== undefined)
    throw new MaftError('RUN_CORRUPT', `torn last line (${scan.torn.reason}) in a data file that is written whole`, {
      file,
      line: scan.torn.line,
    });
  return scan.lines.map(({ value, line }) => {
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) throw refusal(parsed.error, 'not a training row', { file, line });
    // The value as stored, not zod's copy: a field maft does not read yet stays on the row.
    return { line, row: value as TrainingRow };
  });
}
