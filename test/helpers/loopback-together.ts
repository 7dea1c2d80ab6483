/**
 * A loopback Together AI fine-tuning service, written from Together's published contract (docs.together.ai,
 * and togethercomputer/together-typescript `src/lib/upload.ts`, `src/resources/fine-tuning.ts`) — not the
 * real service:
 * - `POST /v1/files` with form fields `file_name`, `file_type`, `purpose=fine-tune` → 302, `Location`: a signed
 *   URL (here `PUT /upload/<id>` on this server), `x-together-file-id`: the file's id. The PUT body must be JSONL
 *   of conversational rows (`{"messages": [...]}`), else the upload answers 400.
 * - `POST /v1/fine-tunes` (model, training_file, n_epochs, learning_rate, batch_size, suffix, training_type
 *   {type: Lora, lora_r, lora_alpha}, training_method {method: sft, train_on_inputs}) → a job `pending`;
 *   400 for an unknown or not-yet-uploaded file.
 * - `GET /v1/fine-tunes` (`{data: [...]}`), `GET /v1/fine-tunes/{id}` (each retrieve moves the job on:
 *   pending → queued → running → uploading → completed with `model_output_name`, unless held at running or
 *   marked to fail with status `error`), `GET …/{id}/events`, `POST …/{id}/cancel`.
 * - 401 without the key; injected 429s with Retry-After.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-listen.js';
import { chatLineProblem } from './loopback-openai-finetuning.js';
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import type { RunConfig } from '../../src/config/run-config.js';

export interface TogetherFile {
  id: string;
  fileName: string;
  fileType: string;
  lines?: unknown[];
}

export interface TogetherJob {
  id: string;
  status: 'pending' | 'queued' | 'running' | 'uploading' | 'completed' | 'error' | 'cancelled';
  model: string;
  training_file: string;
  suffix?: string;
  model_output_name?: string;
  request: Record<string, unknown>;
  events: { message: string; created_at: string; type: string }[];
}

export interface LoopbackTogether {
  baseUrl: string;
  files: Map<string, TogetherFile>;
  jobs: TogetherJob[];
  requests: string[];
  hold(held: boolean): void;
  inject429(count: number): void;
  failWhen(predicate: (job: TogetherJob) => boolean): void;
  close(): Promise<void>;
}

const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLoopbackTogether(options: { apiKey: string }): Promise<LoopbackTogether> {
  const files = new Map<string, TogetherFile>();
  const jobs: TogetherJob[] = [];
  const requests: string[] = [];
  let held = false;
  let tooMany = 0;
  let failing: ((job: TogetherJob) => boolean) | undefined;
  let counter = 0;
  let origin = '';
  const note = (job: TogetherJob, message: string) =>
    job.events.push({ message, created_at: new Date().toISOString(), type: 'message' });

  const order: TogetherJob['status'][] = ['pending', 'queued', 'running', 'uploading', 'completed'];
  const advance = (job: TogetherJob) => {
    if (job.status === 'completed' || job.status === 'error' || job.status === 'cancelled') return;
    if (job.status === 'running' && held) return;
    if (job.status === 'running' && failing?.(job)) {
      job.status = 'error';
      note(job, 'Training failed: loss became NaN (loopback)');
      return;
    }
    job.status = order[order.indexOf(job.status) + 1] ?? 'completed';
    if (job.status === 'completed')
      job.model_output_name = `maft-loopback/${job.model.split('/').pop()}-${job.suffix}-${job.id}`;
    note(job, `Job ${job.status}`);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://loopback');
    const route = `${request.method} ${url.pathname}`;
    requests.push(route);
    if (tooMany > 0) {
      tooMany -= 1;
      return send(response, 429, { error: { message: 'rate limited (loopback)' } }, { 'retry-after': '0' });
    }
    const body = await readBody(request);
    const upload = /^\/upload\/(file-\d+)$/.exec(url.pathname);
    if (request.method === 'PUT' && upload !== null) {
      const file = files.get(upload[1] ?? '');
      if (file === undefined) return send(response, 404, { error: { message: 'no such upload' } });
      const lines: unknown[] = [];
      for (const [index, raw] of body.split('\n').entries()) {
        if (raw.trim() === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return send(response, 400, { error: { message: `line ${index + 1} is not JSON` } });
        }
        const problem = chatLineProblem(parsed);
        if (problem !== undefined) return send(response, 400, { error: { message: `line ${index + 1}: ${problem}` } });
        lines.push(parsed);
      }
      file.lines = lines;
      response.writeHead(200);
      response.end();
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.apiKey}`)
      return send(response, 401, { error: { message: 'invalid api key' } });
    if (route === 'POST /v1/files') {
      const form = new URLSearchParams(body);
      if (form.get('purpose') !== 'fine-tune' || !form.get('file_name'))
        return send(response, 400, { error: { message: 'file_name and purpose=fine-tune are required' } });
      const id = `file-${++counter}`;
      files.set(id, { id, fileName: form.get('file_name') ?? '', fileType: form.get('file_type') ?? '' });
      response.writeHead(302, { location: `${origin}/upload/${id}`, 'x-together-file-id': id });
      response.end();
      return;
    }
    if (route === 'POST /v1/fine-tunes') {
      const input = JSON.parse(body) as Record<string, unknown>;
      const file = files.get(String(input['training_file']));
      if (file?.lines === undefined)
        return send(response, 400, {
          error: { message: `training_file ${String(input['training_file'])} is not an uploaded file` },
        });
      const job: TogetherJob = {
        id: `ft-${++counter}`,
        status: 'pending',
        model: String(input['model']),
        training_file: file.id,
        suffix: typeof input['suffix'] === 'string' ? input['suffix'] : undefined,
        request: input,
        events: [],
      };
      jobs.push(job);
      note(job, 'Fine tune request created');
      return send(response, 200, {
        id: job.id,
        status: job.status,
        model: job.model,
        training_file: job.training_file,
        suffix: job.suffix,
      });
    }
    if (route === 'GET /v1/fine-tunes')
      return send(response, 200, { data: jobs.map(({ request: _r, events: _e, ...job }) => job) });
    const match = /^\/v1\/fine-tunes\/([^/]+)(\/events|\/cancel)?$/.exec(url.pathname);
    const job = jobs.find((candidate) => candidate.id === match?.[1]);
    if (match !== null && job === undefined) return send(response, 404, { error: { message: 'no such job' } });
    if (match !== null && job !== undefined) {
      if (request.method === 'GET' && match[2] === undefined) {
        advance(job);
        const { request: _request, events: _events, ...shown } = job;
        return send(response, 200, shown);
      }
      if (request.method === 'GET' && match[2] === '/events') return send(response, 200, { data: job.events });
      if (request.method === 'POST' && match[2] === '/cancel') {
        job.status = 'cancelled';
        return send(response, 200, { id: job.id, status: job.status });
      }
    }
    send(response, 404, { error: { message: `no route ${route}` } });
  }

  const listener = await listenOnLoopback(handle, (response, error) =>
    send(response, 500, { error: { message: String(error) } }),
  );
  origin = listener.origin;
  return {
    baseUrl: `${origin}/v1`,
    files,
    jobs,
    requests,
    hold: (value) => {
      held = value;
    },
    inject429: (count) => {
      tooMany = count;
    },
    failWhen: (predicate) => {
      failing = predicate;
    },
    close: listener.close,
  };
}

/**
 * A run config whose backend and trainer are the loopback Together server at `baseUrl` (multiagent FT, one
 * iteration, 4 + 4 problems; the key is read from MAFT_TEST_TOGETHER_KEY; fast polling), as the tests of its jobs use it.
 */
export async function togetherRunConfig(baseUrl: string): Promise<RunConfig> {
  const resolved = await resolveRunConfig(
    {
      task: { name: 'arithmetic', options: { max: 9 } },
      split: { finetuneCount: 4, evalCount: 4 },
      backend: { kind: 'openai', baseUrl, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' },
      trainer: {
        kind: 'together',
        baseUrl,
        apiKeyEnv: 'MAFT_TEST_TOGETHER_KEY',
        pollSeconds: 0.01,
        maxPollSeconds: 0.05,
      },
      methods: ['multiagent-ft'],
      iterations: 1,
    },
    'test config',
  );
  return resolved.config;
}
