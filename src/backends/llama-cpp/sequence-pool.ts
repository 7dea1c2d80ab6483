/**
 * One llama.cpp context with `sequences` slots, shared by every chat model of the same (model, adapter,
 * context size, sequences). A request takes a free slot, gets a fresh sequence in it (empty KV cache: a
 * reused sequence would carry state and change seeded text), and gives the slot back when done; requests
 * beyond the slot count wait in FIFO order.
 *
 * Batching comes from node-llama-cpp itself: sequences of one context that ask for a decode in the same
 * event-loop turn are evaluated in one llama_decode batch. So N concurrent `complete()` calls (Promise.all
 * over a debate round's agents) run as N sequences of this one context without any batch API.
 */
import { DisposedError, type LlamaContext, type LlamaContextSequence } from 'node-llama-cpp';

/** A counter several pools share (the engine's): requests holding a sequence right now. */
export interface ActivityCounter {
  active: number;
}

export class SequencePool {
  private readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private free: number;
  private disposed = false;

  constructor(
    readonly context: LlamaContext,
    private readonly activity: ActivityCounter = { active: 0 },
  ) {
    this.free = context.totalSequences;
  }

  /** Tokens one sequence holds: prompt plus reply must fit in it. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  get sequences(): number {
    return this.context.totalSequences;
  }

  /** Run `use` on a fresh sequence of this context, waiting for a free slot first. */
  async withSequence<Result>(
    use: (sequence: LlamaContextSequence) => Promise<Result>,
    signal?: AbortSignal,
  ): Promise<Result> {
    await this.acquireSlot(signal);
    let sequence: LlamaContextSequence | undefined;
    this.activity.active++;
    try {
      sequence = this.context.getSequence();
      return await use(sequence);
    } finally {
      // Awaiting dispose also waits for node-llama-cpp to clear the sequence's KV cells and free its id.
      await sequence?.dispose();
      this.activity.active--;
      this.releaseSlot();
    }
  }

  /** Dispose the context; requests still waiting for a slot fail with node-llama-cpp's DisposedError. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new DisposedError());
    await this.context.dispose();
  }

  private acquireSlot(signal: AbortSignal | undefined): Promise<void> {
    if (this.disposed || this.context.disposed) return Promise.reject(new DisposedError());
    signal?.throwIfAborted();
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Hand the slot straight to the next waiter, or mark it free. */
  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next.resolve();
    else this.free++;
  }
}
