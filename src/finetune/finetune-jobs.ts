import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { TrainingRow } from '../finetune-data/training-row.js';
import { canonicalHash } from '../run-store/canonical-json.js';
import type { Run } from '../run-store/run.js';
import type { BlockMatrixName } from '../trainer/model/model-weights.js';
import type { TrainingPlan, TrainingProgress } from '../trainer/training-plan.js';
import { deriveSeed } from '../util/random.js';
import { packageVersion } from '../util/package-version.js';
import {
  adapterArtifact,
  findEntry,
  parseRegistry,
  registryArtifact,
  withEntry,
  type ModelKey,
  type ModelRegistry,
  type RegistryEntry,
} from './model-registry.js';
import { runTrainingJob } from './run-training-job.js';
import { tokenizeRows } from './tokenize-rows.js';
import { longestFirst, trainingCost } from './job-order.js';

/** The LoRA settings every job of a run uses (units and defaults: src/config/run-config.ts, trainer). */
export interface TrainerSettings {
  rank: number;
  alpha: number;
  targets?: readonly BlockMatrixName[];
  epochs: number;
  learningRate: number;
  /** Warmup steps as a share of the job's steps. */
  warmupShare: number;
  windowLength: number;
  windowsPerStep: number;
  threads: number;
  seed: number;
}

/** One model to finetune: which it is, its rows, and the adapter it continues from (an artifact name). */
export interface FinetuneJob extends ModelKey {
  rows: readonly TrainingRow[];
  initialAdapter?: string;
}

export interface FinetuneOutcome {
  entries: RegistryEntry[];
  failed: RegistryEntry[];
}

/** node-llama-cpp's version (its package.json is not exported, so find it above the resolved entry). */
function nodeLlamaCppVersion(): string {
  let directory = path.dirname(createRequire(import.meta.url).resolve('node-llama-cpp'));
  for (let depth = 0; depth < 5; depth++, directory = path.dirname(directory)) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'node-llama-cpp' && manifest.version) return manifest.version;
    }
  }
  return 'unknown';
}

export function readRunRegistry(run: Pick<Run<unknown>, 'readArtifact'>): ModelRegistry {
  return parseRegistry(run.readArtifact(registryArtifact));
}

/**
 * Record one entry in the run's registry and return the registry as now written. The file is read, changed and
 * written back in one synchronous step, never from a copy read when a stage started: two train stages of one
 * process at once (`maft run`'s method chains, pipeline/method-chains.ts) each keep the other's entries, since
 * no other JavaScript runs between this read and this write (the run's lock keeps other processes out).
 */
export function saveRegistryEntry(
  run: Pick<Run<unknown>, 'readArtifact' | 'writeArtifact'>,
  entry: RegistryEntry,
): ModelRegistry {
  const registry = withEntry(readRunRegistry(run), entry);
  run.writeArtifact(registryArtifact, `${JSON.stringify(registry, null, 2)}\n`);
  return registry;
}

export const jobLabel = (key: ModelKey): string =>
  `${key.method} iteration ${key.iteration} ${key.agent === null ? 'model' : `agent ${key.agent} ${key.role}`}`;

/** How a stage runs its jobs (not recorded with the models: a job's result is the same at any count). */
export interface FinetuneJobsOptions {
  /**
   * Jobs that train at once, each in its own child process on `settings.threads` threads (trainer.parallelJobs;
   * default: parallel-jobs.ts). 1: one after another.
   */
  parallelJobs?: number;
}

/** A pending job with its plan (its rows tokenized) and its cost (job-order.ts), ready to start. */
interface Planned {
  job: FinetuneJob;
  base: Omit<RegistryEntry, 'status'>;
  plan: TrainingPlan & { seed: number };
  cost: number;
}

/** The child's plan of one job: the same at any order or `parallelJobs` (its seed derives from the job's key). */
function jobPlan(
  run: Run<unknown>,
  baseModel: string,
  job: FinetuneJob,
  examples: TrainingPlan['examples'],
  settings: TrainerSettings,
): TrainingPlan & { seed: number } {
  const key: ModelKey = { method: job.method, iteration: job.iteration, agent: job.agent, role: job.role };
  return {
    modelPath: baseModel,
    outputPath: run.artifactPath(adapterArtifact(key)),
    mode: 'lora',
    lora: {
      rank: settings.rank,
      alpha: settings.alpha,
      ...(settings.targets !== undefined ? { targets: settings.targets } : {}),
      ...(job.initialAdapter !== undefined ? { initialAdapter: run.artifactPath(job.initialAdapter) } : {}),
    },
    examples,
    windowLength: settings.windowLength,
    windowsPerStep: settings.windowsPerStep,
    epochs: settings.epochs,
    learningRate: settings.learningRate,
    warmupShare: settings.warmupShare,
    seed: deriveSeed(settings.seed, 'finetune', key.method, key.iteration, key.agent ?? -1, key.role),
    threads: settings.threads,
    outputName: jobLabel(key).replaceAll(' ', '-'),
  };
}

/**
 * Train `jobs`, up to `parallelJobs` at once, each in a child process, recording every status change in the
 * run's model registry the moment it happens. A job whose model already succeeded on the same rows, settings
 * and starting adapter is kept; a failed or interrupted one is trained again; a job without rows is `skipped`:
 * its model stays what it was (the previous iteration's, or the base).
 *
 * A job is the same plan (rows, seed, threads) at any `parallelJobs`, so its adapter is the same file, byte for
 * byte. Jobs start longest first (job-order.ts: every job is tokenized and its exact step count planned before
 * the first starts; equal ones in list order), so the largest does not end up training alone at the end while the
 * other cores idle; the returned entries are in list order all the same. A job that fails (its trainer errs or
 * crashes) is recorded `failed` and the others still run to their end and are recorded. An error of the stage itself (the run directory cannot
 * be written) stops new jobs from starting, lets the running ones finish and be recorded, then is thrown: no job
 * is ever left running behind a returned or thrown call. Registry writes are synchronous read-modify-writes
 * (saveRegistryEntry) made only from this one process's event loop, so they are serialised: another stage
 * training at the same time (method chains side by side) never loses an entry to this one's.
 */
export async function runFinetuneJobs(
  run: Run<unknown>,
  baseModel: string,
  jobs: readonly FinetuneJob[],
  settings: TrainerSettings,
  onProgress: (label: string, progress: TrainingProgress) => void,
  options: FinetuneJobsOptions = {},
): Promise<FinetuneOutcome> {
  let registry = readRunRegistry(run);
  const save = (entry: RegistryEntry) => {
    registry = saveRegistryEntry(run, entry); // read-modify-write: another stage may have written in between
  };
  const versions = { maft: packageVersion(), nodeLlamaCpp: nodeLlamaCppVersion() };
  const trainer = { mode: 'lora', ...settings, targets: settings.targets ?? 'all' } as Record<string, unknown>;
  const pending: { job: FinetuneJob; base: Omit<RegistryEntry, 'status'> }[] = [];
  for (const job of jobs) {
    const key: ModelKey = { method: job.method, iteration: job.iteration, agent: job.agent, role: job.role };
    const dataHash = canonicalHash(job.rows);
    const base: Omit<RegistryEntry, 'status'> = {
      ...key,
      base: baseModel,
      rows: job.rows.length,
      dataHash,
      trainer,
      versions,
      updatedAt: new Date().toISOString(),
      ...(job.initialAdapter !== undefined ? { initialAdapter: job.initialAdapter } : {}),
    };
    const previous = findEntry(registry, key);
    const same =
      previous !== undefined &&
      previous.dataHash === dataHash &&
      previous.initialAdapter === job.initialAdapter &&
      canonicalHash(previous.trainer) === canonicalHash(trainer);
    if (same && (previous.status === 'succeeded' || previous.status === 'skipped')) continue;
    if (job.rows.length === 0)
      save({ ...base, status: 'skipped', reason: 'no training rows: the model stays as it was' });
    else pending.push({ job, base });
  }

  // Every pending job's plan before any starts: its tokens give its exact cost (job-order.ts), which picks the order.
  // Tokenization runs here, one job at a time, on the process's one tokenizer runtime (tokenize-rows.ts: never
  // disposed per call, so it frees no backend under another stage's debate); it takes milliseconds, training minutes.
  const planned: Planned[] = [];
  for (const { job, base } of pending) {
    const plan = jobPlan(run, baseModel, job, await tokenizeRows(baseModel, job.rows), settings);
    planned.push({ job, base, plan, cost: trainingCost({ ...settings, examples: plan.examples, seed: plan.seed }) });
  }
  // Longest first (LPT), ties in list order: the same order on every machine; nothing a job computes depends on it.
  const order = longestFirst(planned.map(({ cost }) => cost)).map((index) => planned[index] as Planned);

  const trainOne = async ({ job, base, plan }: Planned): Promise<void> => {
    const key: ModelKey = { method: job.method, iteration: job.iteration, agent: job.agent, role: job.role };
    const label = jobLabel(key);
    save({ ...base, status: 'running', updatedAt: new Date().toISOString() });
    const adapter = adapterArtifact(key);
    const planFile = run.writeArtifact(`jobs/${adapter.replace(/\.gguf$/, '.plan.json')}`, JSON.stringify(plan));
    const losses: number[] = [];
    try {
      const result = await runTrainingJob(planFile, plan, {
        onProgress: (progress) => {
          losses.push(progress.loss);
          onProgress(label, progress);
        },
      });
      save({
        ...base,
        status: 'succeeded',
        adapter,
        updatedAt: new Date().toISOString(),
        result: {
          steps: result.steps,
          finalLoss: result.finalLoss,
          tokensPerSecond: result.tokensPerSecond,
          elapsedMs: result.elapsedMs,
          losses: losses.map((loss) => Number(loss.toFixed(4))),
          truncatedRows: result.truncatedExamples,
          droppedRows: result.droppedExamples,
        },
      });
    } catch (error) {
      save({
        ...base,
        status: 'failed',
        reason: error instanceof Error ? error.message : String(error),
        updatedAt: new Date().toISOString(),
      });
    }
  };

  let next = 0;
  let stopped = false; // after an error of the stage itself, running jobs finish (and are recorded); none starts
  const worker = async () => {
    while (next < order.length && !stopped) {
      const job = order[next++] as Planned;
      try {
        await trainOne(job);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };
  const parallel = Math.max(1, Math.min(options.parallelJobs ?? 1, pending.length));
  const settled = await Promise.allSettled(Array.from({ length: parallel }, worker));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  // In the jobs' order, whatever order they ended in: "the first failure" is the same at any parallelJobs.
  const entries = jobs.flatMap((job) => findEntry(registry, job) ?? []);
  return { entries, failed: entries.filter((entry) => entry.status === 'failed') };
}
