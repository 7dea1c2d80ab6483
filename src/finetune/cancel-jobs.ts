/**
 * Stopping the provider's jobs of a run (`maft cancel`): every registry entry of a hosted trainer whose job may
 * still run — `pending` / `running` with a job id, or `starting` whose job the provider lists under its tag (a run
 * killed between "create" and "record its id") — gets `trainer.cancel(jobId)` and is recorded `cancelled`, through
 * the one registry write path of durable-jobs.ts (saveRegistryEntry: atomic, under the run's lock). Ended entries
 * are untouched. A cancel the provider refuses is reported on its job's line; the other jobs still get theirs.
 *
 * After the cancel (accepted or refused) the job's status is read once: a job that ended on its own in the meantime
 * (succeeded, failed) is left as it was recorded, so the next `maft run` re-attaches and records what it really made. A `cancelled`
 * entry is trained anew by the next `maft run` (durable-jobs.ts: only succeeded and skipped entries are kept, and
 * `find` never returns a cancelled or failed job).
 */
import type { TrainerJobs } from '../trainers/trainer-job.js';
import { MaftError } from '../errors/maft-error.js';
import type { Run } from '../run-store/run.js';
import { jobLabel, readRunRegistry, saveRegistryEntry } from './finetune-jobs.js';
import type { ModelKey, RegistryEntry } from './model-registry.js';

/** What happened to one job: `cancelled`; `would-cancel` (--dry-run); `ended` on its own; `not-found`; `failed`. */
export type CancelAction = 'cancelled' | 'would-cancel' | 'ended' | 'not-found' | 'failed';

export interface CancelledJob extends ModelKey {
  /** The provider's job id (undefined: a `starting` entry whose job the provider does not list). */
  jobId?: string;
  /** The entry's status before `maft cancel`. */
  before: RegistryEntry['status'];
  action: CancelAction;
  /** One line: the provider's refusal, the state a job ended in, why nothing was done. */
  detail: string;
}

export interface CancelOutcome {
  /** One per entry that could still have a job running at the provider, in registry order. */
  jobs: CancelledJob[];
  /** The reason recorded on every entry `maft cancel` cancels. */
  reason: string;
}

export const cancelReason = 'cancelled by maft cancel';

/** Entries whose job may still run at the provider (hosted kinds only: local jobs died with their maft). */
export function cancellableEntries(entries: readonly RegistryEntry[], kind: TrainerJobs['kind']): RegistryEntry[] {
  return entries.filter(
    (entry) =>
      entry.trainerKind === kind &&
      (entry.status === 'starting' ||
        ((entry.status === 'pending' || entry.status === 'running') && entry.jobId !== undefined)),
  );
}

const messageOf = (error: unknown) =>
  error instanceof MaftError ? error.toOneLine() : error instanceof Error ? error.message : String(error);

/** Cancel (or with `dryRun` only list) every job of the run's registry that may still run at the provider. */
export async function cancelRunJobs(
  run: Pick<Run<unknown>, 'readArtifact' | 'writeArtifact'>,
  trainer: TrainerJobs,
  options: { dryRun: boolean },
): Promise<CancelOutcome> {
  const jobs: CancelledJob[] = [];
  for (const entry of cancellableEntries(readRunRegistry(run).entries, trainer.kind)) {
    const key: ModelKey = { method: entry.method, iteration: entry.iteration, agent: entry.agent, role: entry.role };
    const report = (action: CancelAction, detail: string, jobId = entry.jobId) =>
      jobs.push({ ...key, ...(jobId !== undefined ? { jobId } : {}), before: entry.status, action, detail });
    let jobId = entry.jobId;
    if (jobId === undefined) {
      // `starting`: the provider may hold a job created just before the process died, under this entry's tag.
      try {
        jobId = entry.jobTag === undefined || trainer.find === undefined ? undefined : await trainer.find(entry.jobTag);
      } catch (error) {
        report('failed', `looking the job up by its tag: ${messageOf(error)}`);
        continue;
      }
      if (jobId === undefined) {
        report('not-found', 'the provider lists no job under its tag: nothing was created, nothing to cancel');
        continue;
      }
    }
    if (options.dryRun) {
      report('would-cancel', `would cancel (${entry.providerStatus ?? entry.status})`, jobId);
      continue;
    }
    let refusal: unknown;
    await trainer.cancel(jobId).catch((error: unknown) => (refusal = error ?? 'refused'));
    // The provider's word after the cancel: a job that ended on its own meanwhile keeps its entry for `maft run`
    // (a provider may refuse to cancel a finished job: that refusal is no failure of maft cancel).
    const now = await trainer.status(jobId).catch(() => undefined);
    const ended = now?.state === 'succeeded' || now?.state === 'failed';
    if (refusal !== undefined && !ended && now?.state !== 'cancelled') {
      report('failed', messageOf(refusal), jobId);
      continue;
    }
    if (ended) {
      report('ended', `it had already ${now?.state} (${now?.providerStatus}); maft run records its result`, jobId);
      continue;
    }
    saveRegistryEntry(run, {
      ...entry,
      jobId,
      status: 'cancelled',
      reason: cancelReason,
      ...(now !== undefined ? { providerStatus: now.providerStatus } : {}),
      updatedAt: new Date().toISOString(),
    });
    report('cancelled', `cancelled (${now?.providerStatus ?? 'cancel requested'})`, jobId);
  }
  return { jobs, reason: cancelReason };
}

/** The error `maft cancel` ends with when a cancel failed (after every job had its attempt), or undefined. */
export function cancelFailure(outcome: { jobs: readonly CancelledJob[] }): MaftError | undefined {
  const failed = outcome.jobs.filter((job) => job.action === 'failed');
  const first = failed[0];
  if (first === undefined) return undefined;
  return new MaftError(
    'CANCEL_FAILED',
    `${failed.length} of ${outcome.jobs.length} jobs could not be cancelled (they may still run and be billed); first: ${jobLabel(first)}${first.jobId !== undefined ? ` job ${first.jobId}` : ''}: ${first.detail}`,
  );
}
