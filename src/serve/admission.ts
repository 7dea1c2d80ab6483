/**
 * Bounded concurrency with a bounded queue: at most `concurrency` requests run; up to `queueSize` more wait in
 * arrival order; beyond that `tryEnter` refuses at once (the caller answers 429 with `retryAfterSeconds`). A
 * waiter whose signal fires (client gone, timeout) leaves the queue without ever running.
 */
export interface AdmissionStats {
  running: number;
  queued: number;
}

export class Admission {
  private running = 0;
  private readonly waiting: { grant: () => void; fail: (reason: unknown) => void }[] = [];
  /** Mean seconds a request held its slot (exponentially weighted), for Retry-After. */
  private meanSeconds = 1;

  constructor(
    readonly concurrency: number,
    readonly queueSize: number,
  ) {}

  stats(): AdmissionStats {
    return { running: this.running, queued: this.waiting.length };
  }

  /**
   * A promise of a slot (resolving to its release function), or undefined when the queue is full. The release
   * function is idempotent.
   */
  tryEnter(signal: AbortSignal): Promise<() => void> | undefined {
    if (this.running < this.concurrency && this.waiting.length === 0) return Promise.resolve(this.take());
    if (this.waiting.length >= this.queueSize) return undefined;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.take());
        },
        fail: (reason: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Seconds a refused client should wait: the queue ahead of it drained at the observed pace, at least 1. */
  retryAfterSeconds(): number {
    const ahead = this.running + this.waiting.length;
    return Math.max(1, Math.ceil((ahead / this.concurrency) * this.meanSeconds));
  }

  /** Fail every waiter (shutdown); running requests are left to finish. */
  rejectWaiting(reason: unknown): void {
    for (const waiter of this.waiting.splice(0)) waiter.fail(reason);
  }

  private take(): () => void {
    this.running++;
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.meanSeconds = 0.8 * this.meanSeconds + 0.2 * ((performance.now() - started) / 1000);
      if (this.running < this.concurrency) this.waiting.shift()?.grant();
    };
  }
}
