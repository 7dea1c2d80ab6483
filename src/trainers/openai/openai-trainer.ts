/**
 * Trainer `openai`: OpenAI's fine-tuning API through the official SDK (the released code's `ft_generator.py
 * --gpt` / `ft_critic.py --gpt` path). Per model: the rows as chat JSONL (`{"messages": [...]}`, the critic's
 * earlier assistant turns at `weight: 0`) uploaded with `purpose: fine-tune`, then a supervised job
 * (`method: {type: supervised, supervised: {hyperparameters}}`), tagged with `metadata.maft_tag` so a run that
 * crashed before recording the job id finds it through `GET /fine_tuning/jobs?metadata[maft_tag]=…`.
 * `fine_tuned_model` (an `ft:` id) is the product; the next iteration fine-tunes that id further.
 * OpenAI closed fine-tuning to new customers in 2026 and takes no new jobs from 2027-01-06: this serves existing
 * customers and services with the same contract (Azure OpenAI).
 */
import OpenAI, { toFile } from 'openai';
import { exportOpenAiChatJsonl } from '../../finetune-data/export/openai-chat.js';
import { MaftError } from '../../errors/maft-error.js';
import type { ModelRef } from '../../spec/model-ref.js';
import type { RecordFields, TrainerJobSpec, TrainerJobState, TrainerJobStatus, TrainerJobs } from '../trainer-job.js';
import { hostedError } from '../hosted-error.js';

export interface OpenAiTrainerSettings {
  baseUrl: string;
  apiKey: string;
  /** The model to fine-tune when a job has no previous one (e.g. gpt-4o-mini-2024-07-18). */
  model: string;
  epochs: number;
  batchSize: number;
  learningRateMultiplier: number;
  seed?: number;
}

/** OpenAI refuses a training file with fewer examples. */
export const openAiMinimumRows = 10;

const states: Record<string, TrainerJobState> = {
  validating_files: 'pending',
  queued: 'pending',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function createOpenAiTrainer(settings: OpenAiTrainerSettings): TrainerJobs {
  const client = new OpenAI({ baseURL: settings.baseUrl, apiKey: settings.apiKey, maxRetries: 3, timeout: 120_000 });
  const seenEvents = new Map<string, Set<string>>();
  const where = (what: string) => `OpenAI fine-tuning at ${settings.baseUrl}: ${what}`;

  async function status(jobId: string): Promise<TrainerJobStatus> {
    const job = await client.fineTuning.jobs.retrieve(jobId).catch(hostedError(where(`job ${jobId}`)));
    const state = states[job.status] ?? 'running';
    const seen = seenEvents.get(jobId) ?? new Set<string>();
    seenEvents.set(jobId, seen);
    const page = await client.fineTuning.jobs
      .listEvents(jobId, { limit: 100 })
      .catch(hostedError(where(`events of ${jobId}`)));
    const events = page.data
      .filter((event) => !seen.has(event.id))
      .reverse()
      .map((event) => {
        seen.add(event.id);
        return `${new Date(event.created_at * 1000).toISOString()} ${event.level} ${event.message}`;
      });
    return {
      state,
      providerStatus: job.status,
      events,
      ...(state === 'succeeded' && job.fine_tuned_model ? { model: { served: job.fine_tuned_model } } : {}),
      ...(state === 'failed' ? { error: job.error?.message ?? 'the job failed (no reason given)' } : {}),
    };
  }

  return {
    kind: 'openai',
    minimumRows: openAiMinimumRows,
    survivesRestart: true,
    async start(spec: TrainerJobSpec, record: RecordFields): Promise<string> {
      if (spec.from !== undefined && !('served' in spec.from))
        throw new MaftError('CONFIG_INVALID', `${spec.label}: OpenAI cannot continue from a local adapter`, {
          field: 'trainer.kind',
        });
      const body = exportOpenAiChatJsonl(spec.rows);
      const file = await client.files
        .create({ file: await toFile(Buffer.from(body), `${spec.name}.jsonl`), purpose: 'fine-tune' })
        .catch(hostedError(where(`upload of ${spec.label}'s data`)));
      record({ fileId: file.id });
      const job = await client.fineTuning.jobs
        .create({
          model: spec.from?.served ?? settings.model,
          training_file: file.id,
          suffix: spec.name.slice(0, 18),
          metadata: { maft_tag: spec.tag },
          ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
          method: {
            type: 'supervised',
            supervised: {
              hyperparameters: {
                n_epochs: settings.epochs,
                batch_size: settings.batchSize,
                learning_rate_multiplier: settings.learningRateMultiplier,
              },
            },
          },
        })
        .catch(hostedError(where(`creating ${spec.label}'s job`)));
      return job.id;
    },
    status,
    async result(jobId: string): Promise<ModelRef> {
      const now = await status(jobId);
      if (now.model === undefined)
        throw new MaftError('TRAINING_FAILED', where(`job ${jobId} is ${now.providerStatus}, it made no model`));
      return now.model;
    },
    async cancel(jobId: string): Promise<void> {
      await client.fineTuning.jobs.cancel(jobId).catch(hostedError(where(`cancelling ${jobId}`)));
    },
    async find(tag: string): Promise<string | undefined> {
      const page = await client.fineTuning.jobs
        .list({ metadata: { maft_tag: tag }, limit: 20 })
        .catch(hostedError(where('listing jobs')));
      // A cancelled or failed job under the tag is an earlier attempt (maft cancel, a provider failure), never re-attached.
      return page.data.find(
        (job) => job.metadata?.['maft_tag'] === tag && job.status !== 'cancelled' && job.status !== 'failed',
      )?.id;
    },
  };
}
