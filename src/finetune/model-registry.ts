/**
 * The model registry of a run (`artifacts/models/registry.json`): for every finetuned model — (method,
 * iteration, agent, role) — the training job that produced it, or why there is none, and what was run. Every
 * status change is written the moment it happens (atomically), so a restarted run re-uses finished jobs and
 * retrains only what is missing, failed or was cut short (a half-trained model never has a result file).
 * Pure: the registry value and the rules on it; finetune-jobs.ts reads and writes the file.
 */
import type { FinetuneMethod } from '../spec/methods.js';
import type { ModelRef } from '../spec/model-ref.js';
import type { ModelRole } from '../spec/training-row.js';

/** generator / critic: one agent's two models (multiagent FT); single: one model every agent uses (spec/training-row.ts). */
export type { ModelRole };

/**
 * `starting`: the intent to create a job is recorded, its provider id not yet (a crash here is resolved on resume
 * through the provider's job list); `pending`: created, not yet training; `running`; then one of the ends.
 */
export type JobStatus = 'starting' | 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** Which model an entry is. */
export interface ModelKey {
  method: FinetuneMethod;
  iteration: number;
  /** The agent (multiagent FT), or null for a method's one shared model. */
  agent: number | null;
  role: ModelRole;
}

export interface RegistryEntry extends ModelKey {
  status: JobStatus;
  /** The base model file the adapter applies to. */
  base: string;
  /** The LoRA adapter (relative to the run's artifacts), once succeeded. */
  adapter?: string;
  /**
   * The name a server serves the finetuned model under (an OpenAI `ft:` id, a Together output name), once
   * succeeded, for trainers whose product is served rather than a file.
   */
  servedModel?: string;
  /** The adapter training continued from (relative to the artifacts), when not a fresh one. */
  initialAdapter?: string;
  /** The served model a hosted job continued from (the previous iteration's `ft:` id / output name). */
  initialServedModel?: string;
  /** Which trainer ran the job (`embedded` when absent: registries written before trainer kinds). */
  trainerKind?: 'embedded' | 'openai' | 'together' | 'command' | 'hf';
  /**
   * The job's own tag, derived from (run, model, data): sent to the provider with the job (OpenAI `metadata`,
   * Together `suffix`) so a run that crashed between "create" and "record its id" finds its job again.
   */
  jobTag?: string;
  /** The provider's job id, recorded the moment the job was created. */
  jobId?: string;
  /** The provider's id of the uploaded training file. */
  fileId?: string;
  /** The provider's own status word, as last seen (`validating_files`, `queued`, `compressing`, …). */
  providerStatus?: string;
  /** An `hf` job's PEFT adapter directory (relative to the artifacts). */
  peftAdapter?: string;
  /** The job's log (relative to the artifacts): provider events, or the external trainer's output. */
  log?: string;
  /** Rows trained on, and the sha256 of their canonical JSON (what was trained is auditable). */
  rows: number;
  dataHash: string;
  /** The trainer settings of the job. */
  trainer: Record<string, unknown>;
  /** `truncatedRows` / `droppedRows`: rows cut at the head to fit the window / left out (the reply alone does not fit). */
  result?: {
    steps: number;
    finalLoss: number;
    /** Training throughput (the embedded trainer; jobs that report no token count leave it out). */
    tokensPerSecond?: number;
    elapsedMs: number;
    losses?: number[];
    truncatedRows?: number;
    droppedRows?: number;
  };
  /** Why the job failed, or why it was skipped (no data, or fewer rows than the provider's minimum: the model stays what it was). */
  reason?: string;
  versions: { maft: string; nodeLlamaCpp: string };
  updatedAt: string;
}

export interface ModelRegistry {
  entries: RegistryEntry[];
}

export const registryArtifact = 'models/registry.json';

/** Where a model's adapter lives under the artifacts: `models/<method>/iteration-<k>/<agent-n-role | model>.gguf`. */
export function adapterArtifact(key: ModelKey): string {
  const name = key.agent === null ? 'model' : `agent-${key.agent}-${key.role}`;
  return `models/${key.method}/iteration-${key.iteration}/${name}.gguf`;
}

/** A registry as read from disk; entries written before methods existed belong to multiagent FT. */
export function parseRegistry(text: string | undefined): ModelRegistry {
  if (text === undefined) return { entries: [] };
  const raw = JSON.parse(text) as { entries?: (Omit<RegistryEntry, 'method'> & { method?: FinetuneMethod })[] };
  return { entries: (raw.entries ?? []).map((entry) => ({ ...entry, method: entry.method ?? 'multiagent-ft' })) };
}

const sameKey = (a: ModelKey, b: ModelKey): boolean =>
  a.method === b.method && a.iteration === b.iteration && a.agent === b.agent && a.role === b.role;

export function findEntry(registry: ModelRegistry, key: ModelKey): RegistryEntry | undefined {
  return registry.entries.find((entry) => sameKey(entry, key));
}

/** The registry with `entry` replacing the one with the same key, in a stable order. */
export function withEntry(registry: ModelRegistry, entry: RegistryEntry): ModelRegistry {
  const entries = [...registry.entries.filter((other) => !sameKey(other, entry)), entry].sort(
    (a, b) =>
      a.method.localeCompare(b.method) ||
      a.iteration - b.iteration ||
      (a.agent ?? -1) - (b.agent ?? -1) ||
      a.role.localeCompare(b.role),
  );
  return { entries };
}

/**
 * The adapter a model uses at `iteration`: that iteration's succeeded job, or the most recent earlier one (a
 * model with no data in an iteration stays as it was), or undefined (the base model).
 */
export function latestAdapter(registry: ModelRegistry, key: ModelKey): string | undefined {
  return registry.entries
    .filter(
      (entry) =>
        sameKey({ ...entry, iteration: key.iteration }, key) &&
        entry.iteration <= key.iteration &&
        entry.status === 'succeeded',
    )
    .sort((a, b) => b.iteration - a.iteration)[0]?.adapter;
}

/** Each agent's generator and critic adapter of multiagent FT at `iteration` (undefined: the base model). */
export function societyAdapters(
  registry: ModelRegistry,
  iteration: number,
  agents: number,
): { generator?: string; critic?: string }[] {
  return Array.from({ length: agents }, (_, agent) => {
    const generator = latestAdapter(registry, { method: 'multiagent-ft', iteration, agent, role: 'generator' });
    const critic = latestAdapter(registry, { method: 'multiagent-ft', iteration, agent, role: 'critic' });
    return { ...(generator ? { generator } : {}), ...(critic ? { critic } : {}) };
  });
}

/** The model an entry made: its adapter file, or the name it is served under. */
export function entryModel(entry: RegistryEntry): ModelRef | undefined {
  if (entry.adapter !== undefined) return { adapter: entry.adapter };
  if (entry.servedModel !== undefined) return { served: entry.servedModel };
  return undefined;
}

/**
 * The model a key uses at `iteration`: that iteration's succeeded job's, or the most recent earlier one's (a
 * model with no data in an iteration stays as it was), or undefined (the base model).
 */
export function latestModel(registry: ModelRegistry, key: ModelKey): ModelRef | undefined {
  const entry = registry.entries
    .filter(
      (candidate) =>
        sameKey({ ...candidate, iteration: key.iteration }, key) &&
        candidate.iteration <= key.iteration &&
        candidate.status === 'succeeded',
    )
    .sort((a, b) => b.iteration - a.iteration)[0];
  return entry === undefined ? undefined : entryModel(entry);
}

/**
 * The model a model of iteration k starts training from: its own of iteration k − 1 when `from` is `previous`
 * (the released code), none (the base model) when `base` — and always none for STaR, which as in Zelikman et
 * al. restarts from the base model every iteration.
 */
export function startingModel(key: ModelKey, from: 'previous' | 'base', registry: ModelRegistry): ModelRef | undefined {
  if (from !== 'previous' || key.method === 'star' || key.iteration <= 1) return undefined;
  return latestModel(registry, { ...key, iteration: key.iteration - 1 });
}
