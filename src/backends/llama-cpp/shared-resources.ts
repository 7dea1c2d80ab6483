/**
 * A keyed, reference-counted cache of expensive asynchronous resources (loaded models, contexts). The first
 * `acquire` of a key creates the resource; concurrent acquires of the same key share that one creation; the
 * last `release` disposes it. This is how a society whose agents name the same model file loads it once, and
 * how an iteration's models and contexts are freed when its chat models are disposed.
 */
interface Entry<Value> {
  readonly value: Promise<Value>;
  references: number;
}

export class SharedResources<Value> {
  private readonly entries = new Map<string, Entry<Value>>();
  private creations = 0;

  constructor(private readonly disposeValue: (value: Value) => Promise<void>) {}

  /** How many resources have been created so far (a cache hit does not count). */
  get createdCount(): number {
    return this.creations;
  }

  /** How many resources are alive now. */
  get size(): number {
    return this.entries.size;
  }

  /** The resource under `key`, created with `create` when no live one exists. Each call needs one `release`. */
  async acquire(key: string, create: () => Promise<Value>): Promise<Value> {
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      existing.references++;
      return existing.value;
    }
    this.creations++;
    const entry: Entry<Value> = { value: create(), references: 1 };
    this.entries.set(key, entry);
    try {
      return await entry.value;
    } catch (error) {
      // A failed creation must not stay cached: the next acquire retries (e.g. after the file was fixed).
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  /** Drop one reference to `key`; the last one disposes the resource. Unknown keys are ignored. */
  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.references--;
    if (entry.references > 0) return;
    this.entries.delete(key);
    await this.disposeValue(await entry.value);
  }

  /** Dispose every live resource regardless of references (engine shutdown). Failed creations are skipped. */
  async disposeAll(): Promise<void> {
    const values = [...this.entries.values()].map((entry) => entry.value);
    this.entries.clear();
    const settled = await Promise.allSettled(values);
    for (const result of settled) if (result.status === 'fulfilled') await this.disposeValue(result.value);
  }
}
