/**
 * The report of the stage a later base-model stage continues (`maft base-model --init F --init-report F.json`):
 * read for the card, which shows both stages and the commands that remake them (model-card.ts), and checked
 * against F: the report's `sha256` must be F's, or the card would describe another model than the one
 * continued. A report made before reports recorded `sha256` is accepted with a warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { MaftError } from '../../errors/maft-error.js';
import { criticStyles } from './arithmetic-curriculum.js';
import { fingerprintFile } from '../../util/file-fingerprint.js';
import type { EarlierStageReport } from './model-card.js';

const count = z.number().int().positive();
const earlierStageSchema = z.object({
  examples: count,
  trainTokens: count,
  trainSeconds: z.number().positive(),
  threads: count,
  seed: count,
  windowLength: count,
  windowsPerStep: count,
  learningRate: z.number().positive(),
  max: count,
  critic: z.enum(criticStyles).optional(),
  kindShares: z.array(z.number().min(0)).length(4),
  // A stage that itself continued another cannot be remade by one command: only first stages are accepted.
  init: z.null().optional(),
  // The GGUF the report describes; absent in reports made before it was recorded.
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
    .optional(),
});

/** Read and check an earlier stage's report JSON (the `--report` of `maft base-model`); one line per refusal. */
export function readEarlierStageReport(file: string): EarlierStageReport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MaftError('INPUT_INVALID', `not a readable JSON report (${(error as Error).message})`, {
      file,
      field: '--init-report',
    });
  }
  const parsed = earlierStageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    const why =
      field === 'init'
        ? 'this report is of a stage that continued another model; give the report of a stage trained from scratch'
        : `expected a base-model report (${issue?.message ?? 'invalid'})`;
    throw new MaftError('INPUT_INVALID', why, { file, field });
  }
  return parsed.data;
}

/** Where a report and the model it should describe are: only for the messages. */
export interface ReportAndModel {
  report: string;
  model: string;
}

/**
 * Whether `report` describes the model whose bytes hash to `modelSha256`: a different sha256 is refused
 * (INPUT_INVALID, one line); a report without one (made before reports recorded it) cannot be checked, and the
 * warning to print is returned instead. Pure.
 */
export function checkReportDescribesModel(
  report: EarlierStageReport,
  modelSha256: string,
  files: ReportAndModel,
): string | undefined {
  if (report.sha256 === undefined)
    return `${files.report}: no sha256 (a report made before base-model reports recorded it), so it is not checked against --init ${files.model}`;
  if (report.sha256 !== modelSha256)
    throw new MaftError(
      'INPUT_INVALID',
      `describes a model with sha256 ${report.sha256}, but --init ${files.model} has sha256 ${modelSha256}: give the report written with that file`,
      { file: files.report, field: 'sha256' },
    );
  return undefined;
}

/** The earlier stage as `--init model --init-report report` name it: its report, checked against the model file. */
export interface CheckedEarlierStage {
  report: EarlierStageReport;
  /** One line for stderr when the report could not be checked (no sha256). */
  warning?: string;
}

/** Read `--init-report` and check it describes the `--init` file (hashed here); one line per refusal. */
export async function readEarlierStage(files: ReportAndModel): Promise<CheckedEarlierStage> {
  const report = readEarlierStageReport(files.report);
  if (!existsSync(files.model))
    throw new MaftError('FILE_NOT_FOUND', 'no such model file', { file: files.model, field: '--init' });
  const warning = checkReportDescribesModel(report, (await fingerprintFile(files.model)).sha256, files);
  return { report, ...(warning === undefined ? {} : { warning }) };
}
