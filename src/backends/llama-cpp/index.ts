/** The embedded llama.cpp backend: an engine that loads GGUF models (and LoRA adapters) and serves ChatModels. */
export { defaultDecodeContexts } from './decode-contexts.js';
export { createLlamaCppEngine, LlamaCppEngine } from './engine.js';
export type { LlamaCppChatModelOptions, LlamaCppEngineOptions, LlamaCppEngineStats } from './engine-options.js';
export { LlamaCppChatModel, type LlamaCppChatResponse, type RenderedPrompt } from './llama-cpp-chat-model.js';
export {
  assertGgufFile,
  defaultContextCap,
  defaultContextSize,
  isRemoteModelSource,
  resolveModelSource,
  type ModelSourceOptions,
  type ResolvedModelFile,
} from './model-source.js';
export { providerNamespace as llamaCppProviderNamespace } from './request-mapping.js';
