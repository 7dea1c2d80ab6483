/**
 * Trainer `together`: Together AI's own fine-tuning contract over plain HTTP (api.together.xyz/v1):
 * - upload: `POST /files` with form fields `file_name`, `file_type` (jsonl), `purpose` (fine-tune), answered by
 *   a 302 whose `Location` is a signed URL (the bytes are PUT there) and whose `x-together-file-id` header is
 *   the file's id (together-typescript src/lib/upload.ts);
 * - `POST /fine-tunes {model, training_file, n_epochs, learning_rate, batch_size, suffix, training_type: {type:
 *   "Lora", lora_r, lora_alpha}, training_method: {method: "sft", train_on_inputs: false}}` — conversational rows
 *   (`{"messages": [...]}`) trained on the assistant turns only; `from_checkpoint` continues from an earlier job;
 * - `GET /fine-tunes/{id}` → `status` pending | queued | running | compressing | uploading | cancel_requested |
 *   cancelled | error | completed, `model_output_name` (the product, served by chat completions by name);
 *   `GET /fine-tunes/{id}/events`; `GET /fine-tunes` lists jobs (a crashed run finds its own by `suffix`);
 *   `POST /fine-tunes/{id}/cancel`.
 */
import { exportOpenAiChatJsonl } from '../../finetune-data/export/openai-chat.js';
import { MaftError } from '../../errors/maft-error.js';
import type { ModelRef } from '../../spec/model-ref.js';
import type { RecordFields, TrainerJobSpec, TrainerJobState, TrainerJobStatus, TrainerJobs } from '../trainer-job.js';
import { hostedErrorOf } from '../hosted-error.js';

export interface TogetherTrainerSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
  epochs: number;
  batchSize: number | 'max';
  learningRate: number;
  rank: number;
  alpha: number;
}

interface TogetherJob {
  id: string;
  status: string;
  suffix?: string;
  model_output_name?: string;
  output_name?: string;
  events?: { message?: string; created_at?: string }[];
  error?: string;
}

const states: Record<string, TrainerJobState> = {
  pending: 'pending',
  queued: 'pending',
  running: 'running',
  compressing: 'running',
  uploading: 'running',
  cancel_requested: 'running',
  cancelled: 'cancelled',
  error: 'failed',
  completed: 'succeeded',
};

/** Together's suffix: lowercase letters, digits and dashes; maft puts the job's tag there. */
const suffixOf = (tag: string) => `maft-${tag.slice(0, 24)}`;

export function createTogetherTrainer(settings: TogetherTrainerSettings): TrainerJobs {
  const where = (what: string) => `Together fine-tuning at ${settings.baseUrl}: ${what}`;
  const seenEvents = new Map<string, number>();

  async function call<T>(what: string, route: string, init: RequestInit = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${settings.baseUrl}${route}`, {
          ...init,
          headers: { authorization: `Bearer ${settings.apiKey}`, ...(init.headers ?? {}) },
          redirect: 'manual',
        });
      } catch (error) {
        throw hostedErrorOf(where(what), error);
      }
      if ((response.status === 429 || response.status >= 500) && attempt < 5) {
        const header = response.headers.get('retry-after');
        const wait =
          header !== null && header.trim() !== '' && Number.isFinite(Number(header)) ? Number(header) : 2 ** attempt;
        await new Promise((resolve) => setTimeout(resolve, Math.min(60, wait) * 1000));
        continue;
      }
      if (response.status === 302) return response as unknown as T;
      const text = await response.text();
      if (!response.ok) {
        const message = (() => {
          try {
            const body = JSON.parse(text) as { message?: string; error?: { message?: string } | string };
            return typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message ?? text);
          } catch {
            return text;
          }
        })();
        throw hostedErrorOf(where(what), { status: response.status, message: message.slice(0, 300) });
      }
      return (text === '' ? {} : JSON.parse(text)) as T;
    }
  }

  async function upload(spec: TrainerJobSpec): Promise<string> {
    const fileName = `${spec.name}-${spec.tag.slice(0, 12)}.jsonl`;
    const form = new URLSearchParams({ file_name: fileName, file_type: 'jsonl', purpose: 'fine-tune' });
    const signed = await call<Response>(`upload of ${spec.label}'s data`, '/files', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const location = signed.headers?.get?.('location');
    const fileId = signed.headers?.get?.('x-together-file-id');
    if (signed.status !== 302 || !location || !fileId)
      throw new MaftError('REQUEST_FAILED', where(`upload of ${spec.label}'s data: expected a 302 with a signed URL`));
    const put = await fetch(location, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: exportOpenAiChatJsonl(spec.rows),
    }).catch((error: unknown) => {
      throw hostedErrorOf(where(`upload of ${spec.label}'s data`), error);
    });
    if (!put.ok)
      throw hostedErrorOf(where(`upload of ${spec.label}'s data`), { status: put.status, message: await put.text() });
    return fileId;
  }

  async function status(jobId: string): Promise<TrainerJobStatus> {
    const job = await call<TogetherJob>(`job ${jobId}`, `/fine-tunes/${encodeURIComponent(jobId)}`);
    const state = states[job.status] ?? 'running';
    const listed = await call<{ data?: { message?: string; created_at?: string }[] }>(
      `events of ${jobId}`,
      `/fine-tunes/${encodeURIComponent(jobId)}/events`,
    );
    const all = listed.data ?? [];
    const seen = seenEvents.get(jobId) ?? 0;
    seenEvents.set(jobId, all.length);
    const output = job.model_output_name ?? job.output_name;
    return {
      state,
      providerStatus: job.status,
      events: all.slice(seen).map((event) => `${event.created_at ?? ''} ${event.message ?? ''}`.trim()),
      ...(state === 'succeeded' && output ? { model: { served: output } } : {}),
      ...(state === 'failed' ? { error: job.error ?? all.at(-1)?.message ?? 'the job failed (no reason given)' } : {}),
    };
  }

  return {
    kind: 'together',
    minimumRows: 1,
    survivesRestart: true,
    async start(spec: TrainerJobSpec, record: RecordFields): Promise<string> {
      if (spec.from !== undefined && !('served' in spec.from))
        throw new MaftError('CONFIG_INVALID', `${spec.label}: Together cannot continue from a local adapter`, {
          field: 'trainer.kind',
        });
      const fileId = await upload(spec);
      record({ fileId });
      const job = await call<TogetherJob>(`creating ${spec.label}'s job`, '/fine-tunes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: settings.model,
          training_file: fileId,
          n_epochs: settings.epochs,
          learning_rate: settings.learningRate,
          batch_size: settings.batchSize,
          suffix: suffixOf(spec.tag),
          training_type: { type: 'Lora', lora_r: settings.rank, lora_alpha: settings.alpha },
          training_method: { method: 'sft', train_on_inputs: false },
          ...(spec.from !== undefined && 'served' in spec.from ? { from_checkpoint: spec.from.served } : {}),
        }),
      });
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
      await call(`cancelling ${jobId}`, `/fine-tunes/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' });
    },
    async find(tag: string): Promise<string | undefined> {
      const listed = await call<{ data?: TogetherJob[] }>('listing jobs', '/fine-tunes');
      // A cancelled or failed job under the tag is an earlier attempt (maft cancel, a provider failure), never re-attached.
      return (listed.data ?? []).find(
        (job) => job.suffix === suffixOf(tag) && job.status !== 'cancelled' && job.status !== 'error',
      )?.id;
    },
  };
}
