import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChatModel, ChatResponse } from '../spec/chat-model.js';
import type { BorrowedReplies } from '../run-store/borrowed-replies.js';
import type { CacheableRequest, RequestCache } from '../run-store/request-cache.js';

/** Where a model's replies came from: the run's own cache, another run's (`--reuse`), or the model itself. */
export interface ReplyCounts {
  cached: number;
  reused: number;
  computed: number;
}

export function emptyReplyCounts(): ReplyCounts {
  return { cached: 0, reused: 0, computed: 0 };
}

/** The counts of the work running inside `countReplies` (async context, so concurrent stages never mix theirs). */
const scopedCounts = new AsyncLocalStorage<ReplyCounts>();

/**
 * Run `work`, counting where the replies its own calls got came from. A stage's share of the replies is counted
 * here rather than as a difference of the source's running totals: with method chains side by side
 * (pipeline/method-chains.ts) another stage's replies land in those totals meanwhile.
 */
export async function countReplies<T>(work: () => Promise<T>): Promise<{ result: T; counts: ReplyCounts }> {
  const counts = emptyReplyCounts();
  const result = await scopedCounts.run(counts, work);
  return { result, counts };
}

export interface CachedModelOptions {
  /**
   * Another run's replies to this very model (`maft run --reuse`): a request the run's own cache lacks is looked
   * up there before the model is asked, and a reply found is stored in the run's cache like a computed one. Give
   * it only for the base model: an adapter's id names a file of its own run (docs/reuse.md).
   */
  borrowed?: BorrowedReplies<ChatResponse> | undefined;
  /** Counted into, per reply. */
  counts?: ReplyCounts | undefined;
}

/**
 * A model whose answers go through the run's request cache: a request already answered (same model, messages,
 * sampling and seed) is served from disk, so a resumed or re-run stage never pays for it twice and gets the
 * identical text back. Every call maft makes carries its own derived seed, so two agents never share a key.
 */
export function cachedModel(
  model: ChatModel,
  cache: RequestCache<ChatResponse>,
  options: CachedModelOptions = {},
): ChatModel {
  const { borrowed, counts } = options;
  return {
    id: model.id,
    complete: async (request) => {
      const { messages, signal: _signal, providerOptions, ...sampling } = request;
      const key: CacheableRequest = {
        modelId: model.id,
        messages,
        sampling,
        sampleIndex: 0,
        ...(providerOptions !== undefined ? { providerOptions } : {}),
      };
      let source: keyof ReplyCounts = 'cached';
      const response = await cache.getOrCompute(key, () => {
        const reused = borrowed?.get(key);
        source = reused === undefined ? 'computed' : 'reused';
        return reused === undefined ? model.complete(request) : Promise.resolve(reused);
      });
      if (counts !== undefined) counts[source]++;
      const scoped = scopedCounts.getStore();
      if (scoped !== undefined) scoped[source]++;
      return response;
    },
  };
}
