/**
 * Options of the OpenAI-compatible backend (OpenAI, Together, vLLM, SGLang, llama-server), each with its unit,
 * default and meaning, and their validation into a fully resolved form.
 */
import { MaftError } from '../../errors/maft-error.js';

export interface OpenAiCompatibleOptions {
  /**
   * Base URL of the API, version path included: `http://127.0.0.1:8080/v1`, `https://api.openai.com/v1`.
   * Required. SGLang's native routes have no `/v1`, but its OpenAI routes do.
   */
  baseURL: string;
  /** The `model` field of every request: a served model name, or (vLLM, SGLang) a LoRA adapter's name. Required. */
  model: string;
  /**
   * The ChatModel's identifier in cache keys and records. Default `openai-compatible:<model>@<baseURL>`, followed
   * by the extra body as JSON when there is one, so two llama-server adapters on one base never share an id.
   */
  id?: string;
  /**
   * Name of the environment variable that holds the API key. Default `OPENAI_API_KEY`. When it is unset a
   * placeholder is sent (local servers ignore it). The key goes into the Authorization header and nowhere else:
   * never into files, logs, error messages or records.
   */
  apiKeyEnv?: string;
  /** Where the key variable is looked up. Default `process.env`; tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Most requests in flight at once to this baseURL, counted across every model created for the same baseURL
   * (the smallest value any of them asks for wins). Default 4, llama-server's usual number of slots; raise it
   * for vLLM/SGLang or hosted APIs. A request waiting out a backoff does not hold a slot.
   */
  concurrency?: number;
  /** Retries after the first attempt (so at most maxRetries + 1 requests). Default 6. 0 disables retrying. */
  maxRetries?: number;
  /**
   * Time bound of one attempt in milliseconds, from sending the request to the last byte of the answer.
   * Default 600 000 (10 min, like the SDK): a long generation on a CPU server can take minutes.
   */
  timeoutMs?: number;
  /** First backoff in milliseconds; it doubles on each retry, minus up to 25 % jitter. Default 500. */
  initialBackoffMs?: number;
  /** Longest backoff in milliseconds. Default 8 000. */
  maxBackoffMs?: number;
  /**
   * Longest wait in milliseconds that a server may ask for with `Retry-After` / `retry-after-ms`; a longer
   * request is shortened to this. Default 60 000.
   */
  maxRetryAfterMs?: number;
  /**
   * Extra fields put into every request body: engine-specific sampling (`top_k`, `min_p`, `repeat_penalty`) or
   * llama-server's per-request adapters (`lora: [{id, scale}]`). A request's `providerOptions.openai` fields
   * override these; neither can replace `model`, `messages`, `stream` or `n`. Default none.
   */
  extraBody?: Record<string, unknown>;
}

export type ResolvedOptions = Required<Omit<OpenAiCompatibleOptions, 'env'>> & {
  /** The API key, or undefined when the variable is unset. Kept in memory only. */
  apiKey: string | undefined;
  /** baseURL without credentials or a trailing slash: the form used in messages and as the endpoint's key. */
  endpoint: string;
};

const defaults = {
  apiKeyEnv: 'OPENAI_API_KEY',
  concurrency: 4,
  maxRetries: 6,
  timeoutMs: 600_000,
  initialBackoffMs: 500,
  maxBackoffMs: 8_000,
  maxRetryAfterMs: 60_000,
} as const;

export function resolveOptions(options: OpenAiCompatibleOptions): ResolvedOptions {
  const endpoint = normaliseBaseUrl(options.baseURL);
  if (options.model.trim() === '') invalid('model', 'expected a model name');
  const counts = {
    concurrency: [options.concurrency ?? defaults.concurrency, 1],
    maxRetries: [options.maxRetries ?? defaults.maxRetries, 0],
    timeoutMs: [options.timeoutMs ?? defaults.timeoutMs, 1],
    initialBackoffMs: [options.initialBackoffMs ?? defaults.initialBackoffMs, 0],
    maxBackoffMs: [options.maxBackoffMs ?? defaults.maxBackoffMs, 0],
    maxRetryAfterMs: [options.maxRetryAfterMs ?? defaults.maxRetryAfterMs, 0],
  } as const;
  for (const [field, [value, minimum]] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < minimum) invalid(field, `expected an integer ≥ ${minimum}, got ${value}`);
  }
  const extraBody = options.extraBody ?? {};
  const apiKeyEnv = options.apiKeyEnv ?? defaults.apiKeyEnv;
  const key = (options.env ?? process.env)[apiKeyEnv];
  return {
    baseURL: endpoint,
    endpoint,
    model: options.model,
    id: options.id ?? defaultId(options.model, endpoint, extraBody),
    apiKeyEnv,
    apiKey: key === undefined || key === '' ? undefined : key,
    concurrency: counts.concurrency[0],
    maxRetries: counts.maxRetries[0],
    timeoutMs: counts.timeoutMs[0],
    initialBackoffMs: counts.initialBackoffMs[0],
    maxBackoffMs: counts.maxBackoffMs[0],
    maxRetryAfterMs: counts.maxRetryAfterMs[0],
    extraBody,
  };
}

/** `http://user:pw@host:8080/v1/` → `http://host:8080/v1`: credentials in a URL must not reach messages either. */
function normaliseBaseUrl(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return invalid('baseURL', `not a URL: "${baseURL}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    invalid('baseURL', `expected http(s), got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') {
    invalid('baseURL', 'credentials in the URL are not supported; put the key in the variable named by apiKeyEnv');
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function defaultId(model: string, endpoint: string, extraBody: Record<string, unknown>): string {
  const base = `openai-compatible:${model}@${endpoint}`;
  return Object.keys(extraBody).length === 0 ? base : `${base}?${JSON.stringify(sortKeys(extraBody))}`;
}

/** Key order must not change the id: `{a, b}` and `{b, a}` are the same configuration. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
}

function invalid(field: string, message: string): never {
  throw new MaftError('CONFIG_INVALID', message, { field: `openai-compatible.${field}` });
}
