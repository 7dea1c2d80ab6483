/**
 * A trainer is a durable job, not a promise: `start` returns the provider's job id, `status` reads where the
 * job is, `result` is the model it made, `cancel` stops it. The orchestrator (src/finetune/durable-jobs.ts)
 * records every transition in the run's model registry the moment it happens, so a killed `maft run`
 * re-attaches to its jobs instead of paying for them twice. Hosted trainers (openai, together) also answer
 * `find`: the job a previous process created under a tag (before it could record the id), from the provider's
 * own job list. Local trainers (command, hf) have no provider to ask: a job cut short is run again.
 */
import type { TrainingRow } from '../finetune-data/training-row.js';
import type { ModelKey } from '../finetune/model-registry.js';
import type { ModelRef } from '../spec/model-ref.js';

/** maft's vocabulary of job states; the provider's own word is kept beside it (`providerStatus`). */
export type TrainerJobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrainerJobSpec {
  key: ModelKey;
  /** `multiagent-ft iteration 1 agent 0 generator`: for logs and errors. */
  label: string;
  /** A file-name-safe name of the model (`agent-0-generator`, `model`). */
  name: string;
  rows: readonly TrainingRow[];
  /** The model the job starts from: the previous iteration's (finetune.from previous), else the base. */
  from?: ModelRef;
  /** Derived from (run, model, data): the provider sees it with the job (metadata / suffix); `find` looks it up. */
  tag: string;
}

export interface TrainerJobStatus {
  state: TrainerJobState;
  /** The provider's own status word. */
  providerStatus: string;
  /** Once succeeded: what the job made. */
  model?: ModelRef;
  /** Once succeeded, for trainers that make one: a PEFT adapter directory (an artifact name). */
  peftAdapter?: string;
  /** Once succeeded, for trainers that report it (hf): the loss curve, for the registry and the report. */
  result?: { steps: number; finalLoss: number; losses: number[]; elapsedMs: number };
  /** Once failed: the provider's reason, one line. */
  error?: string;
  /** Log lines new since the last call (provider events, trainer output). */
  events?: string[];
}

/** Fields a trainer records as soon as it has them (an uploaded file's id). */
export type RecordFields = (fields: { fileId?: string }) => void;

export interface TrainerJobs {
  readonly kind: 'openai' | 'together' | 'command' | 'hf';
  /** The fewest rows the trainer accepts; a model with fewer keeps its previous model (a recorded skip). */
  readonly minimumRows: number;
  /** Upload the data and create the job; returns the provider's job id. `record` persists ids on the way. */
  start(spec: TrainerJobSpec, record: RecordFields): Promise<string>;
  status(jobId: string): Promise<TrainerJobStatus>;
  /** The model a succeeded job made (throws when it has none). */
  result(jobId: string): Promise<ModelRef>;
  cancel(jobId: string): Promise<void>;
  /**
   * The job a previous process created with this tag, if the provider lists one (hosted trainers only) — never a
   * cancelled or failed one: those were earlier attempts, and a retrain reuses their tag.
   */
  find?(tag: string): Promise<string | undefined>;
  /** Whether `status` can answer for a job a previous process started (false: local jobs die with maft). */
  readonly survivesRestart: boolean;
}

/** `multiagent-ft iteration 1 agent 0 generator` → `agent-0-generator`; a shared model → `model`. */
export const modelFileName = (key: ModelKey): string =>
  key.agent === null ? 'model' : `agent-${key.agent}-${key.role}`;
