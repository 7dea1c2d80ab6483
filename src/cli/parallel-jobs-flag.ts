/**
 * `--parallel-jobs <n>` of the commands that train embedded jobs (`maft run`, `maft finetune`): how many of a
 * stage's training jobs this session runs at once, over the config's `trainer.parallelJobs` (and its default, one
 * per core divided by threads).
 *
 * A setting of the session, like `--reuse`, not of the run: it is not merged into the config the run stores, since
 * a job's adapter is the same file at any count (docs/trainers.md, "Jobs and threads") and a different count must
 * not make a resumed run "a different config" (RUN_CONFIG_CHANGED) — lowering it to free a core for other work is
 * what a resume is for. What a session used is on record all the same: its command line is in the run's
 * manifest.json (sessions[].command), and the train stage logs the count with the flag's name.
 */
import type { Command } from 'commander';
import type { RunConfig } from '../config/run-config.js';
import { embeddedTrainerSchema } from '../config/trainer-config.js';
import { MaftError } from '../errors/maft-error.js';
import { integerFlag } from './debate-flags.js';

/** The bounds of trainer.parallelJobs, from its one schema. */
const field = embeddedTrainerSchema.shape.parallelJobs.unwrap();

/** The flag's value, checked against trainer.parallelJobs's bounds; a bad one is one CONFIG_INVALID line. */
export function parallelJobsFlag(text: string | undefined): number | undefined {
  const value = integerFlag(text, 'parallel-jobs');
  if (value === undefined) return undefined;
  const least = field.minValue ?? 1;
  const most = field.maxValue ?? Number.MAX_SAFE_INTEGER;
  if (value < least || value > most)
    throw new MaftError('CONFIG_INVALID', `expected a whole number from ${least} to ${most}, got "${text}"`, {
      field: '--parallel-jobs',
    });
  return value;
}

/** The other trainers run their jobs elsewhere (all started at once): the flag means nothing to them. */
export function checkParallelJobsFlag(parallelJobs: number | undefined, config: RunConfig): void {
  if (parallelJobs !== undefined && config.trainer.kind !== 'embedded')
    throw new MaftError(
      'CONFIG_INVALID',
      `only the embedded trainer runs its jobs on this machine; this run's trainer.kind is ${config.trainer.kind}`,
      { field: '--parallel-jobs' },
    );
}

export function addParallelJobsOption(command: Command): Command {
  return command.option(
    '--parallel-jobs <n>',
    "embedded training jobs at once this session, over trainer.parallelJobs (default one per core ÷ threads); not stored in the run's config: a job's adapter is the same at any count",
  );
}
