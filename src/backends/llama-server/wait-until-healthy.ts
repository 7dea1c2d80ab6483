/**
 * Waiting for a `llama-server` that was just started with `--port 0`: read the address it bound from its log,
 * then poll `/health` until it answers 200 (503 while the model loads; a refused or reset connection before the
 * listener is up). One loop for maft's own launch (launch.ts) and the tests' helper (test/helpers/llama-server.ts).
 *
 * The contract: resolves with `http://127.0.0.1:<port>` once healthy; rejects with `fail(why)` when the process
 * is gone (`why`: "exited during startup") or the bound passes ("was not healthy within <ms> ms"). How the error
 * reads is the caller's: maft's is a one-line MaftError, the tests' keeps the tail of the server's log.
 */

export interface HealthWait {
  /** Whether the server process has exited (or never started). */
  gone: () => boolean;
  /** Everything the server printed so far. */
  log: () => string;
  /** Bound on the whole wait, in milliseconds. */
  timeoutMs: number;
  /** The error to reject with, given why the wait failed (e.g. "exited during startup"). */
  fail: (why: string) => Error;
}

const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

export async function waitUntilHealthy({ gone, log, timeoutMs, fail }: HealthWait): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let origin: string | undefined;
  while (Date.now() < deadline) {
    if (gone()) throw fail('exited during startup');
    origin ??= listening.exec(log())?.[1];
    if (origin !== undefined) {
      const healthy = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return origin;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw fail(`was not healthy within ${timeoutMs} ms`);
}
