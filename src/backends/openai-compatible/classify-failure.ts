/**
 * One failed attempt → what happened and whether another attempt may help. Pure apart from reading the
 * error objects the openai SDK and Node's fetch throw.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { MalformedResponseError, oneLine } from './map-response.js';

export type FailureKind = 'status' | 'timeout' | 'connection' | 'malformed' | 'aborted';

export interface AttemptFailure {
  kind: FailureKind;
  retryable: boolean;
  /** One line for the final error message: `503 model loading`, `ECONNRESET`, `timed out after 300 ms`. */
  reason: string;
  /** The HTTP status, for `status` failures. */
  status?: number;
  /** The system error code (ECONNREFUSED, ECONNRESET…), for `connection` failures when known. */
  systemCode?: string;
  /** The response headers, for `status` failures (they carry Retry-After). */
  headers?: Headers;
}

export interface AttemptContext {
  /** The caller's signal: when it fired, the failure is an abort, never retried. */
  callerSignal: AbortSignal | undefined;
  /** Fires when the attempt's time bound passes. */
  timeoutSignal: AbortSignal;
  timeoutMs: number;
  /** The body text of an error response, when the transport kept it (the SDK keeps only its `error` field). */
  errorBodyOf: (headers: Headers) => string | undefined;
}

/**
 * 408 (request timeout), 409 (lock conflict), 429 (rate limit) and 5xx other than 501 (not implemented) are
 * transient. A server may override with `x-should-retry: true|false`, as OpenAI does.
 */
export function isRetryableStatus(status: number, headers?: Headers): boolean {
  const override = headers?.get('x-should-retry');
  if (override === 'true') return true;
  if (override === 'false') return false;
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status !== 501);
}

/** Classify what the SDK call threw; undefined for anything that is not a transport failure (a bug: rethrow). */
export function classifyFailure(error: unknown, context: AttemptContext): AttemptFailure | undefined {
  if (context.callerSignal?.aborted === true)
    return { kind: 'aborted', retryable: false, reason: 'aborted by the caller' };
  const timedOut = { kind: 'timeout', retryable: true, reason: `timed out after ${context.timeoutMs} ms` } as const;
  if (context.timeoutSignal.aborted || error instanceof APIConnectionTimeoutError) return timedOut;
  if (error instanceof MalformedResponseError) return { kind: 'malformed', retryable: true, reason: error.message };
  // A 200 whose body is not JSON although it says so: the SDK's `response.json()` throws this.
  if (error instanceof SyntaxError)
    return { kind: 'malformed', retryable: true, reason: `malformed JSON (${oneLine(error.message, 80)})` };
  if (error instanceof APIUserAbortError) return timedOut;
  if (error instanceof APIConnectionError) return connectionFailure(error.cause);
  if (error instanceof APIError && typeof error.status === 'number' && error.headers !== undefined) {
    const body = context.errorBodyOf(error.headers);
    const detail =
      serverMessage(body) ??
      (error.message.startsWith(`${error.status}`) ? error.message.slice(`${error.status}`.length) : error.message);
    return {
      kind: 'status',
      retryable: isRetryableStatus(error.status, error.headers),
      reason: oneLine(`${error.status} ${detail}`, 300),
      status: error.status,
      headers: error.headers,
    };
  }
  // The connection dropped while the body was being read (after the SDK's part was done): undici's
  // `TypeError: terminated`, with the socket error as its cause.
  if (error instanceof TypeError && systemCodeOf(error) !== undefined) return connectionFailure(error);
  if (error instanceof TypeError && error.message === 'terminated') return connectionFailure(error);
  return undefined;
}

function connectionFailure(cause: unknown): AttemptFailure {
  const coded = codedErrorOf(cause);
  if (coded === undefined) {
    return {
      kind: 'connection',
      retryable: true,
      reason: `connection failed: ${cause instanceof Error ? oneLine(cause.message, 120) : 'unknown'}`,
    };
  }
  // undici's own codes (UND_ERR_SOCKET…) mean little alone; its message says what happened ("other side closed").
  const detail = coded.code.startsWith('UND_ERR_') ? `${oneLine(coded.message, 120)}, ${coded.code}` : coded.code;
  return { kind: 'connection', retryable: true, reason: `connection failed (${detail})`, systemCode: coded.code };
}

/** The first system error code in an error's cause chain (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET…). */
export function systemCodeOf(error: unknown): string | undefined {
  return codedErrorOf(error)?.code;
}

/**
 * Node's fetch wraps the socket error as `TypeError('fetch failed', {cause})`; a host with several addresses
 * (`localhost`: ::1 and 127.0.0.1) fails as an AggregateError of one error per address.
 */
function codedErrorOf(error: unknown, depth = 0): { code: string; message: string } | undefined {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  const { code, cause, errors, message } = error as {
    code?: unknown;
    cause?: unknown;
    errors?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return { code, message: text };
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = codedErrorOf(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return (
    codedErrorOf(cause, depth + 1) ??
    (typeof code === 'string' && code.startsWith('UND_ERR_') ? { code, message: text } : undefined)
  );
}

/** The human part of an error body: OpenAI/llama-server `{error: {message}}`, vLLM `{message}`, or plain text. */
function serverMessage(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === '') return undefined;
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const message = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message ?? json.detail);
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: an HTML or text error page
  }
  return body;
}
