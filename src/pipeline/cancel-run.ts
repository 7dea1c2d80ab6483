/**
 * `maft cancel <run-dir>` as a library call: the run's own config says which trainer it used; a hosted trainer's
 * (openai, together) jobs that may still run are cancelled at the provider and recorded `cancelled`
 * (finetune/cancel-jobs.ts); the next `maft run` of the directory trains those models anew.
 *
 * Concurrency: cancelling writes the registry, so it opens the run the way `maft run` does (openRun: the run's
 * one-writer lock). A live `maft run` on the directory is refused with RUN_LOCKED naming its pid — stop it first
 * (its own jobs are then the ones to cancel), or it would re-attach to, or re-create, what is being cancelled. The
 * lock of a killed maft is stale and taken over (with a line saying so). `--dry-run` only reads: no lock, no write.
 */
import { readFileSync } from 'node:fs';
import type { RunConfig } from '../config/run-config.js';
import { runConfigSchema } from '../config/run-config.js';
import { validateConfig } from '../config/validate-config.js';
import { cancelRunJobs, type CancelledJob } from '../finetune/cancel-jobs.js';
import { readRunRegistry } from '../finetune/finetune-jobs.js';
import { artifactFile } from '../run-store/layout.js';
import { openRun } from '../run-store/open-run.js';
import { readRun } from '../run-store/read-run.js';
import { openTrainer } from '../trainers/open-trainer.js';

export interface CancelRunOptions {
  /** List what would be cancelled; change nothing (no lock taken, nothing written, no cancel sent). */
  dryRun?: boolean;
  /** The command line, recorded in the lock and the manifest's sessions. */
  command?: readonly string[];
}

export interface CancelRunResult {
  directory: string;
  trainerKind: RunConfig['trainer']['kind'];
  /** False for kinds whose jobs are children of maft (embedded, command, hf): nothing remote to cancel. */
  remote: boolean;
  dryRun: boolean;
  jobs: CancelledJob[];
  /** For a local kind: why there is nothing to cancel. */
  note?: string;
}

type HostedConfig = RunConfig & { trainer: { kind: 'openai' | 'together' } };

export async function cancelRun(directory: string, options: CancelRunOptions = {}): Promise<CancelRunResult> {
  const reader = readRun(directory);
  const config = validateConfig(runConfigSchema, reader.config, `config of ${directory} (is it a maft run directory?)`);
  const dryRun = options.dryRun ?? false;
  const kind = config.trainer.kind;
  if (kind !== 'openai' && kind !== 'together') {
    return {
      directory,
      trainerKind: kind,
      remote: false,
      dryRun,
      jobs: [],
      note: `trainer.kind ${kind} trains in processes maft starts itself: nothing remote to cancel (a killed maft took its training jobs with it; stop a live maft run with Ctrl-C)`,
    };
  }
  // The trainer first (its key is read from the environment now): a missing key stops here, before the run is opened.
  const readArtifact = (name: string): string | undefined => {
    try {
      return readFileSync(artifactFile(reader.layout, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const { trainer } = openTrainer(
    config as HostedConfig,
    (name) => artifactFile(reader.layout, name),
    () => readRunRegistry({ readArtifact }),
  );
  if (dryRun) {
    const writeArtifact = (): string => {
      throw new Error('maft cancel --dry-run wrote to the run'); // a bug: dry runs never reach a write
    };
    const outcome = await cancelRunJobs({ readArtifact, writeArtifact }, trainer, { dryRun: true });
    return { directory, trainerKind: kind, remote: true, dryRun, jobs: outcome.jobs };
  }
  const run = openRun<unknown>(directory, reader.config, { command: options.command ?? ['cancel', directory] });
  try {
    const outcome = await cancelRunJobs(run, trainer, { dryRun: false });
    return { directory, trainerKind: kind, remote: true, dryRun, jobs: outcome.jobs };
  } finally {
    run.close();
  }
}
