/**
 * Register a society's adapters on a running vLLM server (runtime LoRA updating). vLLM's published contract:
 * - `GET /v1/models` lists the base (`parent: null`) and every loaded adapter (`parent` = the base's id);
 * - `POST /v1/load_lora_adapter {lora_name, lora_path, load_inplace?}` — 200 on success; 400 with a message
 *   when the name is taken (without `load_inplace`, which newer versions accept to reload in place) or the
 *   adapter cannot load, e.g. "LoRA rank 64 is greater than max_lora_rank 16."; the route exists only when the
 *   server runs with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True (404 otherwise);
 * - `POST /v1/unload_lora_adapter {lora_name}`;
 * - `GET /metrics` (Prometheus) carries `vllm:lora_requests_info{max_lora="K",…}`: --max-loras. --max-lora-rank
 *   is exposed nowhere: it is checked against a value the user declares, and recognised in load errors.
 */
import { MaftError } from '../errors/maft-error.js';
import {
  limitProblems,
  vllmServeLine,
  checkAdapterNames,
  smallestMaxLoraRank,
  type SocietyAdapter,
  type VllmLoraLimits,
} from './society-adapters.js';

export interface VllmServer {
  /** e.g. http://127.0.0.1:8000 (with or without a trailing /v1). */
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** Per request. Default 120 s (loading an adapter reads it from disk). */
  readonly timeoutMs?: number;
}

export interface RegisterOptions {
  readonly adapters: readonly SocietyAdapter[];
  /** N: adapters one debate round uses at once. */
  readonly agentsPerRound: number;
  /** What the user knows of the server's flags; --max-loras is also read from /metrics when present. */
  readonly limits?: VllmLoraLimits;
}

export interface RegisterReport {
  readonly baseModel: string;
  /** --max-loras as found (declared or from /metrics), if known. */
  readonly maxLoras?: number;
  readonly loaded: readonly { name: string; reloaded: boolean }[];
}

interface ModelEntry {
  id: string;
  parent?: string | null;
}

export async function registerSocietyAdapters(server: VllmServer, options: RegisterOptions): Promise<RegisterReport> {
  checkAdapterNames(options.adapters);
  const root = server.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const request = async (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> => {
    let response: Response;
    try {
      response = await fetch(`${root}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(server.apiKey === undefined ? {} : { authorization: `Bearer ${server.apiKey}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(server.timeoutMs ?? 120_000),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.name : String(error));
      if (cause === 'TimeoutError')
        throw new MaftError('TIMEOUT', `${method} ${root}${path} timed out`, {}, { retryable: true });
      throw new MaftError(
        'ENDPOINT_UNREACHABLE',
        `cannot reach the vLLM server at ${root} (${cause})`,
        {},
        { retryable: true },
      );
    }
    return { status: response.status, text: await response.text() };
  };

  const models = await listModels(request, root);
  const base = models.find((model) => model.parent === null || model.parent === undefined);
  if (base === undefined) throw new MaftError('REQUEST_FAILED', `${root}/v1/models lists no base model`);
  const loadedNames = new Set(models.filter((model) => model.parent === base.id).map((model) => model.id));

  const maxLoras = options.limits?.maxLoras ?? (await readMaxLoras(request));
  const limits = { ...options.limits, ...(maxLoras === undefined ? {} : { maxLoras }) };
  const problems = limitProblems(options.adapters, options.agentsPerRound, limits);
  if (problems.length > 0)
    throw new MaftError(
      'CONFIG_INVALID',
      `the vLLM server at ${root} does not fit the society: ${problems.join('; ')}`,
    );

  const loaded: { name: string; reloaded: boolean }[] = [];
  for (const adapter of options.adapters) {
    const reload = loadedNames.has(adapter.name);
    const body = { lora_name: adapter.name, lora_path: adapter.path, ...(reload ? { load_inplace: true } : {}) };
    let answer = await request('POST', '/v1/load_lora_adapter', body);
    if (answer.status === 404 || answer.status === 405) {
      throw new MaftError(
        'CONFIG_INVALID',
        `the vLLM server at ${root} does not load adapters at run time (${answer.status} on /v1/load_lora_adapter): restart it with ` +
          `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True, or serve the society from the start: ${vllmServeLine(base.id, options.adapters, options.agentsPerRound)}`,
      );
    }
    const message = errorMessage(answer.text);
    if (answer.status === 400 && reload && /already been loaded/i.test(message)) {
      // A vLLM without load_inplace: unload, then load the new weights under the same name.
      const unloaded = await request('POST', '/v1/unload_lora_adapter', { lora_name: adapter.name });
      if (unloaded.status >= 300)
        throw new MaftError(
          'REQUEST_FAILED',
          `unloading ${adapter.name} to replace it failed (${unloaded.status}): ${errorMessage(unloaded.text)}`,
        );
      answer = await request('POST', '/v1/load_lora_adapter', { lora_name: adapter.name, lora_path: adapter.path });
    }
    if (answer.status >= 300) {
      const text = errorMessage(answer.text);
      const rank = /LoRA rank (\d+) is greater than max_lora_rank (\d+)/.exec(text);
      if (rank !== null) {
        throw new MaftError(
          'CONFIG_INVALID',
          `adapter ${adapter.name} has rank ${rank[1]} > the server's --max-lora-rank ${rank[2]}: restart vLLM with --max-lora-rank ${smallestMaxLoraRank(Number(rank[1]))}`,
        );
      }
      throw new MaftError(
        'REQUEST_FAILED',
        `vLLM refused adapter ${adapter.name} from ${adapter.path} (${answer.status}): ${text}`,
      );
    }
    loaded.push({ name: adapter.name, reloaded: reload });
  }

  const after = await listModels(request, root);
  const missing = options.adapters.filter(
    (adapter) => !after.some((model) => model.id === adapter.name && model.parent === base.id),
  );
  if (missing.length > 0)
    throw new MaftError(
      'REQUEST_FAILED',
      `vLLM answered 200 but /v1/models does not list ${missing.map((adapter) => adapter.name).join(', ')}`,
    );
  return { baseModel: base.id, ...(maxLoras === undefined ? {} : { maxLoras }), loaded };
}

type Requester = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; text: string }>;

async function listModels(request: Requester, root: string): Promise<ModelEntry[]> {
  const answer = await request('GET', '/v1/models');
  if (answer.status !== 200)
    throw new MaftError('REQUEST_FAILED', `${root}/v1/models answered ${answer.status}: ${errorMessage(answer.text)}`);
  try {
    const data = (JSON.parse(answer.text) as { data?: ModelEntry[] }).data;
    if (!Array.isArray(data)) throw new Error('no data');
    return data;
  } catch {
    throw new MaftError('REQUEST_FAILED', `${root}/v1/models is not an OpenAI model list`);
  }
}

/** --max-loras from `vllm:lora_requests_info{max_lora="K"}`, when the server exports metrics. */
async function readMaxLoras(request: Requester): Promise<number | undefined> {
  const answer = await request('GET', '/metrics').catch(() => undefined);
  if (answer === undefined || answer.status !== 200) return undefined;
  const match = /^vllm:lora_requests_info\{[^}]*max_lora="(\d+)"/m.exec(answer.text);
  return match === null ? undefined : Number(match[1]);
}

/** vLLM's error bodies: `{"message": …}` (OpenAI style, possibly under `error`), FastAPI's `{"detail": …}`, or text. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; detail?: string; error?: { message?: string } };
    return (body.error?.message ?? body.message ?? body.detail ?? text).split('\n')[0] ?? '';
  } catch {
    return text.trim().split('\n')[0] ?? '';
  }
}
