/**
 * Up to `maxContexts` llama.cpp contexts of `sequences` slots each, shared by every chat model of the same
 * (model, adapter, context size, sequences). A request takes a free slot, gets a fresh sequence in it (empty KV
 * cache: a reused sequence would carry state and change seeded text), and gives the slot back when done;
 * requests beyond the slot count wait in FIFO order. The first context exists from the start (so a bad adapter
 * fails when the chat model is made); the others are opened the first time every open one is busy.
 *
 * Two kinds of parallelism, for two kinds of hardware:
 * - sequences of one context: node-llama-cpp evaluates the sequences that ask for a decode in the same
 *   event-loop turn as one llama_decode batch. That is where a GPU gets its throughput, but the batch's make-up
 *   (which depends on timing) changes float rounding and so sampled text.
 * - contexts (CPU): each context decodes in its own llama_decode call on libuv's thread pool, with its own
 *   llama.cpp threads, so k one-sequence contexts decode k replies at once, each exactly as it would alone —
 *   the same text for a seed whichever context serves it and whatever the others do (docs/benchmarks.md,
 *   "Every core").
 */
import { DisposedError, type LlamaContext, type LlamaContextSequence } from 'node-llama-cpp';

/** A counter several pools share (the engine's): requests holding a sequence right now. */
export interface ActivityCounter {
  active: number;
}

interface ContextEntry {
  readonly context: Promise<LlamaContext>;
  /** Sequences of this context no request holds. */
  free: number;
}

export class SequencePool {
  private readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private readonly entries: ContextEntry[];
  private freeSlots: number;
  private disposed = false;

  /**
   * @param first the first context, already created (its size and sequence count stand for all of them)
   * @param openContext creates one more context like `first` (same model, adapter, size, threads)
   * @param maxContexts at most this many contexts (≥ 1)
   */
  constructor(
    private readonly first: LlamaContext,
    private readonly openContext: () => Promise<LlamaContext> = () => Promise.reject(new DisposedError()),
    readonly maxContexts = 1,
    private readonly activity: ActivityCounter = { active: 0 },
  ) {
    this.entries = [{ context: Promise.resolve(first), free: first.totalSequences }];
    this.freeSlots = first.totalSequences * maxContexts;
  }

  /** Tokens one sequence holds: prompt plus reply must fit in it. */
  get contextSize(): number {
    return this.first.contextSize;
  }

  /** Requests that decode at once (contexts × sequences of each); more wait for a free slot. */
  get sequences(): number {
    return this.first.totalSequences * this.maxContexts;
  }

  /** Contexts opened so far (≤ maxContexts). */
  get openContexts(): number {
    return this.entries.length;
  }

  /** Run `use` on a fresh sequence of one of the contexts, waiting for a free slot first. */
  async withSequence<Result>(
    use: (sequence: LlamaContextSequence) => Promise<Result>,
    signal?: AbortSignal,
  ): Promise<Result> {
    await this.acquireSlot(signal);
    let entry: ContextEntry | undefined;
    let sequence: LlamaContextSequence | undefined;
    this.activity.active++;
    try {
      entry = this.takeSequenceSlot();
      const context = await entry.context;
      if (this.disposed) throw new DisposedError();
      sequence = context.getSequence();
      return await use(sequence);
    } finally {
      // Awaiting dispose also waits for node-llama-cpp to clear the sequence's KV cells and free its id.
      await sequence?.dispose();
      if (entry !== undefined) entry.free++;
      this.activity.active--;
      this.releaseSlot();
    }
  }

  /** Dispose every context; requests still waiting for a slot fail with node-llama-cpp's DisposedError. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new DisposedError());
    const settled = await Promise.allSettled(this.entries.map((entry) => entry.context));
    for (const result of settled) if (result.status === 'fulfilled') await result.value.dispose();
  }

  /**
   * A held slot becomes a sequence of a context: the first open context with a free sequence (so one request at
   * a time always uses the first), else a new context — there is room for one, since slots = contexts × sequences.
   * A context that fails to open is forgotten, so the next request tries again.
   */
  private takeSequenceSlot(): ContextEntry {
    const open = this.entries.find((entry) => entry.free > 0);
    if (open !== undefined) {
      open.free--;
      return open;
    }
    const context = this.openContext();
    const entry: ContextEntry = { context, free: this.first.totalSequences - 1 };
    this.entries.push(entry);
    context.catch(() => {
      const index = this.entries.indexOf(entry);
      if (index >= 0) this.entries.splice(index, 1);
    });
    return entry;
  }

  private acquireSlot(signal: AbortSignal | undefined): Promise<void> {
    if (this.disposed || this.first.disposed) return Promise.reject(new DisposedError());
    signal?.throwIfAborted();
    if (this.freeSlots > 0) {
      this.freeSlots--;
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
    else this.freeSlots++;
  }
}
