/**
 * A counting semaphore with a first-come-first-served queue. Waiters can give up through an abort signal.
 */
type Release = () => void;

export class Semaphore {
  #limit: number;
  #active = 0;
  readonly #waiting: ((release: Release) => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Slots held right now. */
  get active(): number {
    return this.#active;
  }

  /** Lower (never raise) the limit; slots already held stay held and new ones wait until under the limit. */
  lowerLimit(limit: number): void {
    this.#limit = Math.min(this.#limit, limit);
  }

  /** Wait for a slot; resolves to the function that gives it back (extra calls do nothing). */
  acquire(signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    if (this.#active < this.#limit && this.#waiting.length === 0) return Promise.resolve(this.#take());
    return new Promise<Release>((resolve, reject) => {
      const grant = (release: Release): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Counting the slot as taken before the holder runs keeps a released slot from being handed out twice. */
  #take(): Release {
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      while (this.#active < this.#limit && this.#waiting.length > 0) this.#waiting.shift()?.(this.#take());
    };
  }
}
