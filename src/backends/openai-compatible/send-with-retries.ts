/**
 * The retry loop around one chat request: take a slot of the endpoint, run one attempt under a time bound,
 * classify a failure, wait (honouring Retry-After) without holding the slot, try again; finally fail with one
 * clear MaftError that names the URL and the status and never the key.
 *
 * Why not the SDK's own retries: they cannot fail fast on a server that is not running (a refused connection
 * is retried like any other), do not retry a 200 whose body is malformed JSON, hold the caller's concurrency
 * slot while sleeping, and have a fixed 0.5–8 s backoff and an uncapped Retry-After. So the SDK runs with
 * maxRetries 0 and this loop decides.
 */
import { MaftError } from '../../errors/maft-error.js';
import { classifyFailure, type AttemptFailure } from './classify-failure.js';
import type { Endpoint } from './endpoint.js';
import { requestedWaitMs, retryDelayMs, sleep, type BackoffPolicy } from './retry-delay.js';

export interface RetryPolicy extends BackoffPolicy {
  maxRetries: number;
  timeoutMs: number;
}

export interface SendInput<T> {
  endpoint: Endpoint;
  policy: RetryPolicy;
  callerSignal?: AbortSignal | undefined;
  /** One attempt: resolves to the mapped answer or throws what the SDK (or the mapper) threw. */
  attempt: (signal: AbortSignal) => Promise<T>;
  errorBodyOf: (headers: Headers) => string | undefined;
  /** What the final error message may say about the key: only the variable's name, and whether it is set. */
  apiKeyEnv: string;
  /** Secrets to blank out of any message (the key), should a server echo them back. */
  secrets: readonly string[];
}

/** A refused connection or unknown host before the server ever answered: nothing is listening there. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Resolves to the answer and the wall time from taking the first slot to the answer, retries included. */
export async function sendWithRetries<T>(input: SendInput<T>): Promise<{ value: T; durationMs: number }> {
  const { endpoint, policy, callerSignal } = input;
  let startedAt: number | undefined;
  for (let attemptIndex = 0; ; attemptIndex++) {
    const release = await endpoint.slots.acquire(callerSignal).catch(() => {
      throw finalError(input, { kind: 'aborted', retryable: false, reason: 'aborted by the caller' }, attemptIndex);
    });
    startedAt ??= performance.now();
    const timeoutSignal = AbortSignal.timeout(policy.timeoutMs);
    const signal = callerSignal === undefined ? timeoutSignal : AbortSignal.any([callerSignal, timeoutSignal]);
    let failure: AttemptFailure | undefined;
    try {
      const value = await input.attempt(signal);
      endpoint.answered = true;
      return { value, durationMs: Math.round(performance.now() - startedAt) };
    } catch (error) {
      failure = classifyFailure(error, {
        callerSignal,
        timeoutSignal,
        timeoutMs: policy.timeoutMs,
        errorBodyOf: input.errorBodyOf,
      });
      if (failure === undefined) throw error;
    } finally {
      release();
    }
    if (failure.kind === 'status' || failure.kind === 'malformed') endpoint.answered = true;
    const failFast =
      failure.kind === 'connection' && !endpoint.answered && unreachableCodes.has(failure.systemCode ?? '');
    if (!failure.retryable || failFast || attemptIndex >= policy.maxRetries) {
      throw finalError(input, failure, attemptIndex + 1, failFast);
    }
    const delay = retryDelayMs(attemptIndex, requestedWaitMs(failure.headers), policy, endpoint.random);
    await sleep(delay, callerSignal).catch(() => {
      throw finalError(input, { kind: 'aborted', retryable: false, reason: 'aborted by the caller' }, attemptIndex + 1);
    });
  }
}

function finalError<T>(input: SendInput<T>, failure: AttemptFailure, attempts: number, failFast = false): MaftError {
  const url = `${input.endpoint.url}/chat/completions`;
  const redact = (text: string): string =>
    input.secrets.reduce((result, secret) => (secret === '' ? result : result.split(secret).join('[redacted]')), text);
  if (failure.kind === 'aborted') return new MaftError('ABORTED', `POST ${url}: aborted by the caller`);
  if (failFast) {
    return new MaftError(
      'ENDPOINT_UNREACHABLE',
      `cannot reach ${input.endpoint.url} (${failure.systemCode ?? failure.reason}); is the server running?`,
    );
  }
  const keyHint =
    failure.status === 401 || failure.status === 403
      ? ` (the key comes from $${input.apiKeyEnv}, which is ${input.secrets.some((secret) => secret !== '') ? 'set' : 'unset'})`
      : '';
  const tried = failure.retryable ? ` failed after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  const message = redact(`POST ${url}${tried}: ${failure.reason}${keyHint}`);
  const code = failure.kind === 'timeout' ? 'TIMEOUT' : 'REQUEST_FAILED';
  return new MaftError(code, message, {}, { retryable: failure.retryable });
}
