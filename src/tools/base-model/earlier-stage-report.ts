/**
 * The report of the stage a later base-model stage continues (`maft base-model --init F --init-report F.json`):
 * read for the card, which shows every stage and the commands that remake them (model-card.ts), and checked
 * against F: the report's `sha256` must be F's, or the card would describe another model than the one
 * continued. A report made before reports recorded `sha256` is accepted with a warning. F may itself continue
 * another stage when its report records the stages before it (`earlierStages`, written when F was made with
 * `--init-report`): the chain is then read whole, first stage first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { MaftError } from '../../errors/maft-error.js';
import { criticStyles } from './arithmetic-curriculum.js';
import { fingerprintFile } from '../../util/file-fingerprint.js';
import type { EarlierStageReport } from './model-card.js';

const count = z.number().int().positive();
const stageSchema = z.object({
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
  // The model this stage continued (its --init), null for a stage trained from scratch.
  init: z.string().min(1).nullable().optional(),
  // Index of its first synthetic conversation (--first-example); recorded by every report that has `init`.
  firstExample: z.number().int().min(0).optional(),
  // The GGUF the report describes; absent in reports made before it was recorded.
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
    .optional(),
});
const reportSchema = stageSchema.extend({
  // The stages before this one, first first (written by a stage made with --init-report); `earlierStage` is the
  // one-stage form of reports made before chains were recorded.
  earlierStages: z.array(stageSchema).min(1).optional(),
  earlierStage: stageSchema.optional(),
});

const refuse = (file: string, field: string, why: string) => new MaftError('INPUT_INVALID', why, { file, field });

/**
 * Read and check an earlier stage's report JSON (the `--report` of `maft base-model`): the chain of stages that made
 * that model, first stage first, the report's own stage last. One line per refusal.
 */
export function readEarlierStages(file: string): EarlierStageReport[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw refuse(file, '--init-report', `not a readable JSON report (${(error as Error).message})`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse(file, issue?.path.join('.') ?? '', `expected a base-model report (${issue?.message ?? 'invalid'})`);
  }
  const { earlierStages, earlierStage, ...stage } = parsed.data;
  const before = earlierStages ?? (earlierStage === undefined ? [] : [earlierStage]);
  const chain = [...before, stage];
  // Where a stage sits in the JSON, for the messages: the report's own fields, or its list (or one-stage field).
  const where = (index: number) =>
    index === chain.length - 1 ? '' : earlierStages === undefined ? 'earlierStage.' : `earlierStages.${index}.`;
  chain.forEach((link, index) => {
    const field = where(index);
    const continues = link.init !== null && link.init !== undefined;
    if (index === 0 && continues)
      throw refuse(
        file,
        `${field}init`,
        index === chain.length - 1
          ? 'this report is of a stage that continued another model and records no stage before it (it was made without --init-report): give the report of a stage trained from scratch, or of one made with --init-report'
          : 'the first recorded stage continued another model: the chain does not start from scratch',
      );
    if (index > 0 && !continues)
      throw refuse(file, `${field}init`, 'a stage after the first must name the model it continued');
    if (index > 0 && link.firstExample === undefined)
      throw refuse(file, `${field}firstExample`, 'a continued stage must record its first example (--first-example)');
  });
  return chain;
}

/** The last stage of `file`'s chain (readEarlierStages): for a report of a stage trained from scratch, the report. */
export function readEarlierStageReport(file: string): EarlierStageReport {
  const chain = readEarlierStages(file);
  return chain[chain.length - 1] as EarlierStageReport;
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

/** The earlier stages as `--init model --init-report report` name them, checked against the model file. */
export interface CheckedEarlierStages {
  /** The `--init` file's stage (the chain's last). */
  report: EarlierStageReport;
  /** Every stage that made the `--init` file, first stage first; the last is `report`. */
  chain: EarlierStageReport[];
  /** One line for stderr when the report could not be checked (no sha256). */
  warning?: string;
}

/** Read `--init-report` and check its last stage describes the `--init` file (hashed here); one line per refusal. */
export async function readEarlierStage(files: ReportAndModel): Promise<CheckedEarlierStages> {
  const chain = readEarlierStages(files.report);
  if (!existsSync(files.model))
    throw new MaftError('FILE_NOT_FOUND', 'no such model file', { file: files.model, field: '--init' });
  const last = chain[chain.length - 1] as EarlierStageReport;
  const warning = checkReportDescribesModel(last, (await fingerprintFile(files.model)).sha256, files);
  return { report: last, chain, ...(warning === undefined ? {} : { warning }) };
}
