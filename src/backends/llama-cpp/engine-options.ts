/**
 * The options of the embedded llama.cpp engine and of the chat models it hands out, each with its unit,
 * default and meaning.
 */
import type { ChatWrapper, LlamaLogLevel, SpecializedChatWrapperTypeName } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';

export interface LlamaCppEngineOptions {
  /**
   * CPU threads of each context's decode (the runtime may use threads × contexts at once). Required: llama.cpp's
   * workers spin-wait at barriers, so more threads than free cores makes decoding collapse (notes: 490 → 6 tok/s);
   * 1 thread has no barrier to spin at. Use 1 and more contexts on a CPU; 1 and 1 context in tests.
   */
  readonly threads: number;
  /**
   * Contexts per (model, adapter): how many replies decode at once, each alone in its own context on its own
   * `threads` (so its text is what it would be alone). On a CPU, one per free core at 1 thread each uses every
   * core without llama.cpp's spinning thread barriers (see defaultDecodeContexts). Opened when needed; each holds
   * its own KV cache (contextSize × sequences cells). Default 1.
   */
  readonly contexts?: number;
  /** `false` (default): CPU only. `'auto'`: a GPU when node-llama-cpp has a prebuilt binary for it. */
  readonly gpu?: false | 'auto';
  /** llama.cpp log level. Default `warn`. */
  readonly logLevel?: `${LlamaLogLevel}`;
  /** Where `hf:`/URL model sources are looked up and downloaded. Default node-llama-cpp's `~/.node-llama-cpp/models`. */
  readonly modelsDirectory?: string;
  /** Whether remote model sources missing from modelsDirectory may be downloaded. Default true. */
  readonly allowDownload?: boolean;
}

export interface LlamaCppChatModelOptions {
  /** A local .gguf path, an `hf:owner/repo[:quant|/file.gguf]` URI or an http(s) URL. */
  readonly model: string;
  /** A local GGUF LoRA adapter (`general.type = adapter`) applied to the model for this chat model's context. */
  readonly adapter?: string;
  /** Strength of the adapter. Default 1. */
  readonly adapterScale?: number;
  /** Stable name used in records and cache keys. Default `llama-cpp:<model>[+<adapter>]` with the sources as given. */
  readonly id?: string;
  /**
   * Tokens per sequence (prompt + reply), rounded up to a multiple of 256 by node-llama-cpp. Per sequence:
   * node-llama-cpp 3.22 allocates contextSize × sequences KV cells. A prompt that leaves no room for a reply
   * is an error, never silently shortened. Default min(4096, the model's training context).
   */
  readonly contextSize?: number;
  /**
   * Parallel sequences of the shared context: how many requests decode together (a debate round's agents);
   * further requests wait for a free one. Each costs contextSize tokens of KV cache (a 1.2B model: ~50–95 MB
   * per 1024 tokens). Chat models with equal (model, adapter, adapterScale, contextSize, sequences) share one
   * context. Default 1.
   */
  readonly sequences?: number;
  /** Chat template: `auto` (default, from the GGUF's template and name), a node-llama-cpp wrapper type name, or a wrapper. */
  readonly chatWrapper?: 'auto' | SpecializedChatWrapperTypeName | ChatWrapper;
}

/** Counters for tests and logs: what was actually loaded and created. */
export interface LlamaCppEngineStats {
  modelLoads: number;
  /** Distinct (loaded model, adapter file) pairs: node-llama-cpp loads an adapter once per model. */
  adapterLoads: number;
  /** (model, adapter) context pools created. */
  contextCreations: number;
  /** llama.cpp contexts created: a pool opens a second one only when its first is busy (up to `contexts`). */
  llamaContextCreations: number;
  liveModels: number;
  /** Live (model, adapter) context pools; each may hold up to `contexts` llama.cpp contexts. */
  liveContexts: number;
  /** Requests generating right now (holding a sequence); 0 once every request has finished or been aborted. */
  activeGenerations: number;
}

/** Tokens per sequence when contextSize is not given (capped at the model's training context). */
export const defaultContextSize = 4096;

export function checkChatModelOptions(options: LlamaCppChatModelOptions): void {
  const { sequences = 1, contextSize } = options;
  if (!(Number.isInteger(sequences) && sequences >= 1)) {
    throw new MaftError('CONFIG_INVALID', `sequences must be a positive integer, got ${sequences}`, {
      field: 'sequences',
    });
  }
  if (contextSize !== undefined && !(Number.isInteger(contextSize) && contextSize >= 32)) {
    throw new MaftError('CONFIG_INVALID', `contextSize must be an integer ≥ 32, got ${contextSize}`, {
      field: 'contextSize',
    });
  }
}
