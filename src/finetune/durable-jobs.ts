/**
 * Trainer jobs as durable jobs (openai, together, command, hf): all jobs of an iteration are started, then
 * awaited, and every transition is written to the run's model registry the moment it happens:
 *
 *   starting (intent + tag recorded) → fileId recorded → pending (job id recorded) → running → succeeded | failed | cancelled
 *
 * A restarted run therefore never creates a second job for the same (method, iteration, agent, role, data):
 * - an entry with a job id still pending/running is re-attached (hosted trainers: the provider still has it);
 * - an entry left at `starting` (killed between "create" and "record its id") asks the provider's job list for
 *   the job carrying its tag before creating one;
 * - a succeeded or skipped entry with the same data, settings and starting model is kept;
 * - a failed or cancelled entry (`maft cancel`, finetune/cancel-jobs.ts) is trained anew: a new job under the same
 *   tag, which is why `find` never answers with a cancelled or failed job.
 * A model with fewer rows than the trainer's minimum keeps its previous model: a `skipped` entry with the reason.
 * A local job (command, hf) cut short is simply run again: it died with the process that ran it.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import type { TrainingRow } from '../finetune-data/training-row.js';
import { canonicalHash } from '../run-store/canonical-json.js';
import type { Run } from '../run-store/run.js';
import type { ModelRef } from '../spec/model-ref.js';
import { modelFileName, type TrainerJobs, type TrainerJobStatus } from '../trainers/trainer-job.js';
import { packageVersion } from '../util/package-version.js';
import { jobLabel, readRunRegistry, saveRegistryEntry, type FinetuneOutcome } from './finetune-jobs.js';
import { findEntry, type ModelKey, type RegistryEntry } from './model-registry.js';

export interface DurableJob extends ModelKey {
  rows: readonly TrainingRow[];
  /** The model the job continues from (the previous iteration's), or undefined: the base. */
  from?: ModelRef;
}

export interface DurableJobsOptions {
  trainer: TrainerJobs;
  /** The trainer's settings as recorded (never a secret): a change retrains. */
  settings: Record<string, unknown>;
  /** The base model's name or file. */
  base: string;
  /** First poll interval, and the longest one (the interval grows ×1.5 while nothing changes). */
  pollSeconds: number;
  maxPollSeconds: number;
  log: (line: string) => void;
  /**
   * Fault injection for kill tests: called with `created-<n>` between creating the n-th job of this call (one train
   * stage: jobs another chain's stage creates meanwhile are not counted) and recording it.
   */
  crash?: (event: string) => void;
  /** After a job succeeded, before it is recorded: extra products (an hf job's GGUF conversion). */
  finish?: (entry: RegistryEntry) => Promise<Partial<RegistryEntry>>;
}

const live = (entry: RegistryEntry) => entry.status === 'pending' || entry.status === 'running';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a start failure belongs to the whole run (no service, no key, retries spent), not to one job. */
const runWide = (error: unknown) =>
  !(error instanceof MaftError) ||
  error.retryable ||
  error.code === 'ENDPOINT_UNREACHABLE' ||
  error.code === 'CONFIG_INVALID' ||
  error.code === 'INTERNAL';

export async function runDurableJobs(
  run: Run<unknown>,
  jobs: readonly DurableJob[],
  options: DurableJobsOptions,
): Promise<FinetuneOutcome> {
  const { trainer } = options;
  let registry = readRunRegistry(run);
  const save = (entry: RegistryEntry): RegistryEntry => {
    const stamped = { ...entry, updatedAt: new Date().toISOString() };
    registry = saveRegistryEntry(run, stamped); // read-modify-write: another stage may have written in between
    return stamped;
  };
  const versions = { maft: packageVersion(), nodeLlamaCpp: 'n/a' };
  const active: RegistryEntry[] = [];
  let created = 0;
  for (const job of jobs) {
    const key: ModelKey = { method: job.method, iteration: job.iteration, agent: job.agent, role: job.role };
    const label = jobLabel(key);
    const name = modelFileName(key);
    const dataHash = canonicalHash(job.rows);
    const tag = canonicalHash({ run: run.manifest.createdAt, key, dataHash, from: job.from ?? null }).slice(0, 32);
    const logArtifact = `jobs/${key.method}/iteration-${key.iteration}/${name}.log`;
    const fresh: RegistryEntry = {
      ...key,
      status: 'starting',
      base: options.base,
      rows: job.rows.length,
      dataHash,
      trainer: options.settings,
      trainerKind: trainer.kind,
      jobTag: tag,
      log: logArtifact,
      versions,
      updatedAt: '',
      ...(job.from !== undefined && 'served' in job.from ? { initialServedModel: job.from.served } : {}),
      ...(job.from !== undefined && 'adapter' in job.from ? { initialAdapter: job.from.adapter } : {}),
    };
    const previous = findEntry(registry, key);
    const same =
      previous !== undefined &&
      previous.jobTag === tag &&
      previous.trainerKind === trainer.kind &&
      canonicalHash(previous.trainer) === canonicalHash(options.settings);
    if (same && (previous.status === 'succeeded' || previous.status === 'skipped')) continue;
    if (job.rows.length < Math.max(1, trainer.minimumRows)) {
      const keeps = job.from === undefined ? 'the base model' : "the previous iteration's model";
      const reason =
        job.rows.length === 0
          ? `no training rows: the model stays ${keeps}`
          : `${job.rows.length} training rows, fewer than the ${trainer.kind} trainer's minimum of ${trainer.minimumRows}: the model stays ${keeps}`;
      save({ ...fresh, status: 'skipped', reason });
      if (job.rows.length > 0) options.log(`maft: warning: ${label}: skipped, ${reason}`);
      continue;
    }
    if (same && previous.jobId !== undefined && live(previous) && trainer.survivesRestart) {
      options.log(`${label}: re-attached to job ${previous.jobId} (${previous.providerStatus ?? previous.status})`);
      active.push(previous);
      continue;
    }
    if (
      !same &&
      previous?.jobId !== undefined &&
      live(previous) &&
      previous.trainerKind === trainer.kind &&
      trainer.survivesRestart
    ) {
      // The data, settings or starting model changed: the old job would train a model nobody uses.
      await trainer.cancel(previous.jobId).then(
        () => options.log(`${label}: cancelled job ${previous.jobId} (its data or settings changed)`),
        (error: unknown) =>
          options.log(`maft: warning: ${label}: could not cancel job ${previous.jobId}: ${String(error)}`),
      );
    }
    if (same && previous.status === 'starting' && trainer.find !== undefined) {
      const found = await trainer.find(tag);
      if (found !== undefined) {
        options.log(`${label}: found job ${found}, created before the last run stopped`);
        active.push(save({ ...previous, jobId: found, status: 'pending', providerStatus: 'found' }));
        continue;
      }
    }
    let entry = save(fresh);
    try {
      const jobId = await trainer.start(
        { key, label, name, rows: job.rows, ...(job.from ? { from: job.from } : {}), tag },
        (fields) => {
          entry = save({ ...entry, ...fields });
        },
      );
      created += 1;
      options.crash?.(`created-${created}`);
      entry = save({ ...entry, status: 'pending', jobId });
      appendLog(run, logArtifact, `maft: ${label}: created job ${jobId}`);
      options.log(`${label}: started job ${jobId} (${job.rows.length} rows)`);
      active.push(entry);
    } catch (error) {
      if (runWide(error)) throw error; // the entry stays `starting`: the next run looks for the job first
      const reason = error instanceof Error ? error.message : String(error);
      save({ ...entry, status: 'failed', reason });
      options.log(`maft: ${label}: ${reason}`);
    }
  }
  await awaitJobs(run, active, options, save);
  const keys = new Set(jobs.map((job) => jobLabel(job)));
  const entries = registry.entries.filter((entry) => keys.has(jobLabel(entry)));
  return {
    entries,
    failed: entries.filter((entry) => entry.status === 'failed' || entry.status === 'cancelled'),
  };
}

/** Poll every live job until each ends, recording each change; the interval backs off while nothing moves. */
async function awaitJobs(
  run: Run<unknown>,
  active: RegistryEntry[],
  options: DurableJobsOptions,
  save: (entry: RegistryEntry) => RegistryEntry,
): Promise<void> {
  let delay = options.pollSeconds;
  let pending = [...active];
  const misses = new Map<string, number>();
  /** Polls in a row that may fail transiently before the stage stops (the jobs stay recorded: a rerun re-attaches). */
  const patience = 10;
  while (pending.length > 0) {
    let changed = false;
    const next: RegistryEntry[] = [];
    for (const entry of pending) {
      const label = jobLabel(entry);
      const jobId = entry.jobId ?? '';
      let now: TrainerJobStatus;
      try {
        now = await options.trainer.status(jobId);
      } catch (error) {
        const missed = (misses.get(jobId) ?? 0) + 1;
        misses.set(jobId, missed);
        if (!(error instanceof MaftError) || !error.retryable || missed >= patience) throw error;
        options.log(`maft: ${label}: ${error.message} (will ask again)`);
        next.push(entry);
        continue;
      }
      misses.delete(jobId);
      for (const line of now.events ?? []) appendLog(run, entry.log, line);
      if (now.state === 'succeeded') {
        const model = now.model ?? (now.peftAdapter === undefined ? await options.trainer.result(jobId) : undefined);
        const product = {
          ...(model !== undefined && 'served' in model ? { servedModel: model.served } : {}),
          ...(model !== undefined && 'adapter' in model ? { adapter: model.adapter } : {}),
          ...(now.peftAdapter !== undefined ? { peftAdapter: now.peftAdapter } : {}),
          ...(now.result !== undefined ? { result: now.result } : {}),
        };
        const done = { ...entry, status: 'succeeded' as const, providerStatus: now.providerStatus, ...product };
        const saved = save({ ...done, ...(options.finish ? await options.finish(done) : {}) });
        options.log(`${label}: succeeded → ${saved.servedModel ?? saved.adapter ?? saved.peftAdapter ?? '?'}`);
        changed = true;
      } else if (now.state === 'failed' || now.state === 'cancelled') {
        const reason = `job ${jobId} ${now.state === 'failed' ? 'failed' : 'was cancelled'} on the provider's side: ${now.error ?? now.providerStatus}`;
        save({ ...entry, status: now.state, providerStatus: now.providerStatus, reason });
        options.log(`maft: ${label}: ${reason}`);
        changed = true;
      } else {
        if (now.providerStatus !== entry.providerStatus || now.state !== entry.status) {
          changed = true;
          options.log(`${label}: ${now.providerStatus} (job ${jobId})`);
          next.push(save({ ...entry, status: now.state, providerStatus: now.providerStatus }));
        } else next.push(entry);
      }
    }
    pending = next;
    if (pending.length === 0) break;
    if (changed) {
      options.log(
        `training: ${active.length - pending.length} of ${active.length} jobs ended, ${pending.length} still running`,
      );
      delay = options.pollSeconds;
    } else delay = Math.min(options.maxPollSeconds, delay * 1.5);
    await sleep(delay * 1000);
  }
}

function appendLog(run: Run<unknown>, artifact: string | undefined, line: string): void {
  if (artifact === undefined) return;
  const file = run.artifactPath(artifact);
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${line}\n`);
}
