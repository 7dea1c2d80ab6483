/**
 * The request cache: every model response, keyed by the sha256 of the canonical request, in an append-only
 * JSONL file. Re-running a stage (after a crash, or to rebuild its records) asks the cache first, so what was
 * already answered costs nothing and comes back identical. The file has the same torn-tail repair as every
 * run log (it is a `JsonlLog`).
 */
import type { ChatMessage, SamplingOptions } from '../spec/chat-model.js';
import { canonicalHash } from './canonical-json.js';
import { JsonlLog, type TornTailRepair } from './jsonl-log.js';

/** Everything that decides a response's distribution, and nothing else (no signal, no timing, no secrets). */
export interface CacheableRequest {
  /** The `ChatModel.id` asked (a base model and an adapter are different ids). */
  modelId: string;
  messages: readonly ChatMessage[];
  /** temperature, topP, maxTokens and seed; an absent setting and an `undefined` one are the same key. */
  sampling: SamplingOptions;
  /**
   * Which sample of this prompt (0, 1, …): two agents that ask one model the same question at temperature 1
   * must get two different answers, not one cached answer twice.
   */
  sampleIndex: number;
  /** Backend-specific settings that change the answer (e.g. `{openai: {top_k: 40}}`). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/** One line of the cache file. The request is kept whole so the file can be inspected and audited. */
export interface CachedResponse<R> {
  key: string;
  request: CacheableRequest;
  response: R;
}

/** The cache key: sha256 (hex) of the request's canonical JSON (sorted keys, undefined fields left out). */
export function requestKey(request: CacheableRequest): string {
  return canonicalHash(request);
}

export class RequestCache<R> {
  private readonly log: JsonlLog<CachedResponse<R>>;

  private constructor(log: JsonlLog<CachedResponse<R>>) {
    this.log = log;
  }

  /** Open (or create) the cache file. Only one process may write it at a time (the run's lock covers it). */
  static open<R>(file: string): RequestCache<R> {
    // `ignore`: a response cached twice (the same request answered by two concurrent workers) is harmless.
    return new RequestCache(
      JsonlLog.open<CachedResponse<R>>(file, { keyOf: (entry) => entry.key, onDuplicate: 'ignore' }),
    );
  }

  get file(): string {
    return this.log.file;
  }

  get size(): number {
    return this.log.size;
  }

  /** The torn tail cut away when the cache was opened, if any. */
  get repair(): TornTailRepair | undefined {
    return this.log.repair;
  }

  get(request: CacheableRequest): R | undefined {
    return this.log.get(requestKey(request))?.response;
  }

  /** Store a response durably; a request already cached keeps its first response. */
  put(request: CacheableRequest, response: R): void {
    this.log.append({ key: requestKey(request), request, response });
  }

  /** The cached response, or `compute()`'s, stored before it is returned. */
  async getOrCompute(request: CacheableRequest, compute: () => Promise<R>): Promise<R> {
    const key = requestKey(request);
    const cached = this.log.get(key);
    if (cached !== undefined) return cached.response;
    const response = await compute();
    this.log.append({ key, request, response });
    // Two concurrent computes of one request: both callers get the first stored answer, as a re-run would.
    return this.log.get(key)?.response ?? response;
  }

  close(): void {
    this.log.close();
  }
}
