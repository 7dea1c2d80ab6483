/**
 * The report of the stage a later base-model stage continues (`maft base-model --init F --init-report F.json`):
 * read only for the card, which shows both stages and the commands that remake them (model-card.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MaftError } from '../../errors/maft-error.js';
import { criticStyles } from './arithmetic-curriculum.js';
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
