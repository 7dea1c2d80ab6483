/**
 * A loopback OpenAI fine-tuning service, written from OpenAI's published contract (API reference: Files,
 * Fine-tuning; the openai-node v6 types) — not the real service, which no test can reach:
 * - `POST /v1/files` (multipart: `file`, `purpose=fine-tune`): every line must be `{"messages": [...]}` with
 *   roles system|user|assistant, string content, the last message an assistant's, `weight` only 0 or 1 and only
 *   on assistant messages; else 400 (`invalid_request_error`), as the real validator refuses the file.
 * - `POST /v1/fine_tuning/jobs` (model, training_file, method.supervised.hyperparameters, suffix, metadata,
 *   seed): 400 for an unknown file or a file with fewer than 10 examples; a job object in `validating_files`.
 * - `GET /v1/fine_tuning/jobs` (`metadata[k]=v` filter, `limit`), `GET …/{id}`, `GET …/{id}/events`,
 *   `POST …/{id}/cancel`. Each retrieve moves a job one status on: validating_files → queued → running →
 *   succeeded (`fine_tuned_model: ft:<model>:maft-loopback:<suffix>:<id>`), unless jobs are held at running
 *   (`hold`) or a job is marked to fail provider-side (`failWhen`). A test can hold a create request before the
 *   job exists (`beforeCreate`), to order two clients' creates.
 * - 401 without the expected key; injected 429s (`inject429`) with Retry-After.
 * - `POST /v1/chat/completions`: forwarded to an upstream OpenAI-compatible server (a llama-server with the
 *   base model) when one is given, with the requested model name recorded (so a test sees which fine-tuned
 *   names a society asked for); `GET /v1/models` lists the base and every fine-tuned model.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-listen.js';

export interface LoopbackFile {
  id: string;
  purpose: string;
  filename: string;
  lines: unknown[];
}

export interface LoopbackJob {
  id: string;
  object: 'fine_tuning.job';
  model: string;
  training_file: string;
  status: 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  fine_tuned_model: string | null;
  error: { code: string; message: string; param: string | null } | null;
  metadata: Record<string, string> | null;
  suffix: string | null;
  seed: number;
  method: unknown;
  created_at: number;
  finished_at: number | null;
  organization_id: string;
  result_files: string[];
  trained_tokens: number | null;
  hyperparameters: unknown;
  validation_file: null;
  estimated_finish: null;
  integrations: null;
}

export interface LoopbackOpenAi {
  baseUrl: string;
  files: Map<string, LoopbackFile>;
  jobs: LoopbackJob[];
  /** Every request, `METHOD path`. */
  requests: string[];
  /** The model names chat completions were asked for. */
  chatModels: string[];
  /** Hold jobs at `running` (true) or let them finish on the next polls (false). */
  hold(held: boolean): void;
  /** The next `count` requests get 429 with Retry-After: 0. */
  inject429(count: number): void;
  /** Jobs whose training file matches fail provider-side when they would succeed. */
  failWhen(predicate: (job: LoopbackJob, file: LoopbackFile) => boolean): void;
  /** Awaited before each job is created, with the create request's body (e.g. hold one job until another exists). */
  beforeCreate(
    gate: ((input: { suffix?: string | null; metadata?: Record<string, string> | null }) => Promise<void>) | undefined,
  ): void;
  close(): Promise<void>;
}

const fail = (response: ServerResponse, status: number, message: string, param: string | null = null) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param, code: null } }));
};
const json = (response: ServerResponse, body: unknown) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/** Why a training line breaks OpenAI's chat fine-tuning format, or undefined. */
export function chatLineProblem(line: unknown): string | undefined {
  if (typeof line !== 'object' || line === null || Array.isArray(line)) return 'not a JSON object';
  const keys = Object.keys(line);
  if (keys.some((key) => key !== 'messages')) return `unexpected key ${keys.find((key) => key !== 'messages')}`;
  const messages = (line as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty list';
  for (const [index, message] of messages.entries()) {
    const { role, content, weight } = message as { role?: unknown; content?: unknown; weight?: unknown };
    if (role !== 'system' && role !== 'user' && role !== 'assistant') return `messages[${index}].role: ${String(role)}`;
    if (typeof content !== 'string' || content.trim() === '') return `messages[${index}].content: missing`;
    if (weight !== undefined && (role !== 'assistant' || (weight !== 0 && weight !== 1)))
      return `messages[${index}].weight: only 0 or 1, on assistant messages`;
  }
  if ((messages.at(-1) as { role?: string }).role !== 'assistant') return 'the last message must be an assistant turn';
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface LoopbackOptions {
  apiKey: string;
  /** An OpenAI-compatible server (`http://127.0.0.1:port/v1`) the chat completions go to. */
  upstream?: string;
  /** The model name the upstream serves: every forwarded request (base or `ft:` name) asks for it. */
  upstreamModel?: string;
}

export async function startLoopbackOpenAi(options: LoopbackOptions): Promise<LoopbackOpenAi> {
  const files = new Map<string, LoopbackFile>();
  const jobs: LoopbackJob[] = [];
  const events = new Map<
    string,
    { id: string; object: string; created_at: number; level: string; message: string; type: string }[]
  >();
  const requests: string[] = [];
  const chatModels: string[] = [];
  let held = false;
  let tooMany = 0;
  let failing: ((job: LoopbackJob, file: LoopbackFile) => boolean) | undefined;
  let gate: Parameters<LoopbackOpenAi['beforeCreate']>[0];
  let counter = 0;
  const now = () => Math.floor(Date.now() / 1000);
  const event = (job: LoopbackJob, message: string, level = 'info') =>
    events.get(job.id)?.push({
      id: `ftevent-${++counter}`,
      object: 'fine_tuning.job.event',
      created_at: now(),
      level,
      message,
      type: 'message',
    });

  const advance = (job: LoopbackJob) => {
    const file = files.get(job.training_file);
    if (job.status === 'validating_files') job.status = 'queued';
    else if (job.status === 'queued') job.status = 'running';
    else if (job.status === 'running' && !held) {
      if (file !== undefined && failing?.(job, file)) {
        job.status = 'failed';
        job.error = {
          code: 'invalid_training_file',
          message: 'The job failed due to an internal error (loopback).',
          param: 'training_file',
        };
        event(job, job.error.message, 'error');
        return;
      }
      job.status = 'succeeded';
      job.fine_tuned_model = `ft:${job.model.replace(/^ft:/, '').split(':')[0]}:maft-loopback:${job.suffix ?? 'model'}:${job.id}`;
      job.finished_at = now();
      event(job, `New fine-tuned model created: ${job.fine_tuned_model}`);
      return;
    } else return;
    event(job, `Status: ${job.status}`);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://loopback');
    const route = `${request.method} ${url.pathname}`;
    requests.push(route);
    if (tooMany > 0) {
      tooMany -= 1;
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      response.end(JSON.stringify({ error: { message: 'Rate limit reached (loopback)', type: 'requests' } }));
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.apiKey}`)
      return fail(response, 401, 'Incorrect API key provided');
    const body = await readBody(request);
    if (route === 'POST /v1/files') {
      const form = await new Request('http://loopback/v1/files', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body: new Uint8Array(body),
      }).formData();
      const file = form.get('file');
      if (form.get('purpose') !== 'fine-tune' || !(file instanceof Blob))
        return fail(response, 400, 'purpose must be fine-tune, with a file', 'purpose');
      const text = await file.text();
      const lines: unknown[] = [];
      for (const [index, raw] of text.split('\n').entries()) {
        if (raw.trim() === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return fail(response, 400, `Invalid file format: line ${index + 1} is not JSON`, 'file');
        }
        const problem = chatLineProblem(parsed);
        if (problem !== undefined)
          return fail(response, 400, `Invalid file format: line ${index + 1}: ${problem}`, 'file');
        lines.push(parsed);
      }
      const id = `file-${++counter}`;
      const name = (file as File).name ?? 'upload.jsonl';
      files.set(id, { id, purpose: 'fine-tune', filename: name, lines });
      return json(response, {
        id,
        object: 'file',
        bytes: text.length,
        created_at: now(),
        filename: name,
        purpose: 'fine-tune',
        status: 'processed',
      });
    }
    if (route === 'POST /v1/fine_tuning/jobs') {
      const input = JSON.parse(body.toString('utf8')) as Partial<LoopbackJob> & { training_file?: string };
      await gate?.(input);
      const file = files.get(input.training_file ?? '');
      if (file === undefined)
        return fail(response, 400, `invalid training_file: ${input.training_file}`, 'training_file');
      if (file.lines.length < 10)
        return fail(
          response,
          400,
          `Training file has ${file.lines.length} example(s), but must have at least 10 examples`,
          'training_file',
        );
      const job: LoopbackJob = {
        id: `ftjob-${++counter}`,
        object: 'fine_tuning.job',
        model: input.model ?? '',
        training_file: file.id,
        status: 'validating_files',
        fine_tuned_model: null,
        error: null,
        metadata: input.metadata ?? null,
        suffix: input.suffix ?? null,
        seed: input.seed ?? 42,
        method: input.method,
        created_at: now(),
        finished_at: null,
        organization_id: 'org-loopback',
        result_files: [],
        trained_tokens: null,
        hyperparameters:
          (input.method as { supervised?: { hyperparameters?: unknown } } | undefined)?.supervised?.hyperparameters ??
          {},
        validation_file: null,
        estimated_finish: null,
        integrations: null,
      };
      jobs.push(job);
      events.set(job.id, []);
      event(job, `Created fine-tuning job: ${job.id}`);
      return json(response, job);
    }
    if (route === 'GET /v1/fine_tuning/jobs') {
      const filter = [...url.searchParams.entries()]
        .map(([key, value]) => [/^metadata\[(.+)\]$/.exec(key)?.[1], value] as const)
        .filter((pair): pair is readonly [string, string] => pair[0] !== undefined);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const data = [...jobs]
        .reverse()
        .filter((job) => filter.every(([key, value]) => job.metadata?.[key] === value))
        .slice(0, limit);
      return json(response, { object: 'list', data, has_more: false });
    }
    const match = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(url.pathname);
    if (match !== null) {
      const job = jobs.find((candidate) => candidate.id === match[1]);
      if (job === undefined) return fail(response, 404, `No such job: ${match[1]}`);
      if (request.method === 'GET' && match[2] === undefined) {
        advance(job);
        return json(response, job);
      }
      if (request.method === 'GET' && match[2] === '/events') {
        const list = [...(events.get(job.id) ?? [])].reverse();
        return json(response, {
          object: 'list',
          data: list.slice(0, Number(url.searchParams.get('limit') ?? 20)),
          has_more: false,
        });
      }
      if (request.method === 'POST' && match[2] === '/cancel') {
        if (job.status !== 'succeeded' && job.status !== 'failed') job.status = 'cancelled';
        return json(response, job);
      }
    }
    if (route === 'GET /v1/models') {
      const names = jobs.flatMap((job) => (job.fine_tuned_model ? [job.fine_tuned_model] : []));
      return json(response, {
        object: 'list',
        data: names.map((id) => ({ id, object: 'model', owned_by: 'loopback' })),
      });
    }
    if (route === 'POST /v1/chat/completions') {
      const input = JSON.parse(body.toString('utf8')) as { model?: string };
      chatModels.push(input.model ?? '');
      const upstreamBody = JSON.stringify({ ...input, model: options.upstreamModel ?? input.model });
      if (options.upstream === undefined) return fail(response, 404, 'no upstream chat server');
      const known = input.model?.startsWith('ft:') ? jobs.some((job) => job.fine_tuned_model === input.model) : true;
      if (!known) return fail(response, 404, `The model ${input.model} does not exist`, 'model');
      const forwarded = await fetch(`${options.upstream}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: upstreamBody,
      });
      response.writeHead(forwarded.status, { 'content-type': 'application/json' });
      response.end(Buffer.from(await forwarded.arrayBuffer()));
      return;
    }
    fail(response, 404, `no route ${route}`);
  }

  const listener = await listenOnLoopback(handle, (response, error) => fail(response, 500, String(error)));
  return {
    baseUrl: `${listener.origin}/v1`,
    files,
    jobs,
    requests,
    chatModels,
    hold: (value) => {
      held = value;
    },
    inject429: (count) => {
      tooMany = count;
    },
    failWhen: (predicate) => {
      failing = predicate;
    },
    beforeCreate: (value) => {
      gate = value;
    },
    close: listener.close,
  };
}
