/**
 * How long to wait before the next attempt. Pure (the clock and the random stream are arguments).
 */
import type { Random } from '../../util/random.js';

/**
 * The wait a server asked for, in milliseconds, or undefined when it asked for none. `retry-after-ms` (OpenAI's
 * non-standard, more precise header) wins over `Retry-After`, which holds seconds or an HTTP date (RFC 9110
 * §10.2.3). The same precedence as the openai SDK's own retry loop.
 */
export function requestedWaitMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = headers?.get('retry-after')?.trim();
  if (retryAfter === undefined || retryAfter === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface BackoffPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
}

/**
 * The wait before retry number `retryIndex` (0 = the first retry): what the server asked for, capped at
 * maxRetryAfterMs; otherwise exponential backoff, capped at maxBackoffMs, minus up to 25 % jitter so that
 * requests that failed together do not all return together.
 */
export function retryDelayMs(
  retryIndex: number,
  serverWaitMs: number | undefined,
  policy: BackoffPolicy,
  random: Random,
): number {
  if (serverWaitMs !== undefined) return Math.min(serverWaitMs, policy.maxRetryAfterMs);
  const exponential = Math.min(policy.initialBackoffMs * 2 ** retryIndex, policy.maxBackoffMs);
  return Math.round(exponential * (1 - 0.25 * random.next()));
}

/** Sleep that an abort signal cuts short (rejecting with the signal's reason). */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
