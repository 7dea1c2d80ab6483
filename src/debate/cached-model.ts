import type { ChatModel, ChatResponse } from '../spec/chat-model.js';
import type { RequestCache } from '../run-store/request-cache.js';

/**
 * A model whose answers go through the run's request cache: a request already answered (same model, messages,
 * sampling and seed) is served from disk, so a resumed or re-run stage never pays for it twice and gets the
 * identical text back. Every call maft makes carries its own derived seed, so two agents never share a key.
 */
export function cachedModel(model: ChatModel, cache: RequestCache<ChatResponse>): ChatModel {
  return {
    id: model.id,
    complete: (request) => {
      const { messages, signal: _signal, providerOptions, ...sampling } = request;
      const key = {
        modelId: model.id,
        messages,
        sampling,
        sampleIndex: 0,
        ...(providerOptions !== undefined ? { providerOptions } : {}),
      };
      return cache.getOrCompute(key, () => model.complete(request));
    },
  };
}
