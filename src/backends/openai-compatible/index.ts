/** The OpenAI-compatible HTTP backend: one ChatModel per (server, model name, extra body). */
export { createOpenAiCompatibleModel } from './create-model.js';
export type { OpenAiCompatibleOptions } from './options.js';
export { mapRequest, providerNamespace, type MappedRequest } from './map-request.js';
export { mapResponse, mapFinishReason, MalformedResponseError } from './map-response.js';
export { splitThoughts, type SplitThoughts } from './split-thoughts.js';
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './embeddings.js';
