/**
 * The embedded llama.cpp engine: one `Llama` runtime (threads, GPU choice) with caches of loaded models and
 * contexts, handing out ChatModels. A society whose agents use the same model file loads it once (keyed by
 * resolved path); agents with the same (model, adapter, contextSize, sequences) share one context and run as
 * its parallel sequences (and, with `contexts` > 1, up to that many such contexts decoding side by side, one reply
 * each); a LoRA adapter is applied per context, so one loaded base model serves agents with
 * different adapters through one context each. Everything is reference-counted: disposing an iteration's chat
 * models frees what only they used, and `engine.dispose()` frees everything.
 */
import path from 'node:path';
import {
  DisposedError,
  getLlama,
  resolveChatWrapper,
  type Llama,
  type LlamaEmbeddingContext,
  type LlamaLogLevel,
  type LlamaModel,
} from 'node-llama-cpp';
import type { Embedder } from '../../spec/chat-model.js';
import { MaftError } from '../../errors/maft-error.js';
import {
  checkChatModelOptions,
  defaultContextSize,
  type LlamaCppChatModelOptions,
  type LlamaCppEngineOptions,
  type LlamaCppEngineStats,
} from './engine-options.js';
import { LlamaCppChatModel } from './llama-cpp-chat-model.js';
import { resolveModelSource } from './model-source.js';
import { SequencePool, type ActivityCounter } from './sequence-pool.js';
import { SharedResources } from './shared-resources.js';

interface LoadedModel {
  readonly model: LlamaModel;
  /** Adapter paths node-llama-cpp has loaded onto this model. */
  readonly adapters: Set<string>;
}

export class LlamaCppEngine {
  private readonly models: SharedResources<LoadedModel>;
  private readonly pools: SharedResources<SequencePool>;
  private adapterLoads = 0;
  private llamaContextCreations = 0;
  private disposed = false;
  /** Generations in progress across all contexts (a request counts from taking a sequence until it is freed). */
  private readonly activity: ActivityCounter = { active: 0 };

  constructor(
    readonly llama: Llama,
    private readonly options: LlamaCppEngineOptions,
  ) {
    this.models = new SharedResources((loaded) => loaded.model.dispose());
    this.pools = new SharedResources((pool) => pool.dispose());
  }

  /** Resolve and check the files, load the model (once per file) and get (or create) the shared context. */
  async chatModel(options: LlamaCppChatModelOptions): Promise<LlamaCppChatModel> {
    if (this.disposed) throw new DisposedError();
    const { sequences = 1, adapterScale = 1 } = options;
    checkChatModelOptions(options);
    const sourceOptions = {
      ...(this.options.modelsDirectory !== undefined ? { modelsDirectory: this.options.modelsDirectory } : {}),
      ...(this.options.allowDownload !== undefined ? { allowDownload: this.options.allowDownload } : {}),
    };
    const modelFile = await resolveModelSource(options.model, 'model', sourceOptions);
    const adapterFile =
      options.adapter !== undefined ? await resolveModelSource(options.adapter, 'adapter', sourceOptions) : undefined;
    if (adapterFile !== undefined && adapterFile.architecture !== modelFile.architecture) {
      throw new MaftError(
        'INPUT_INVALID',
        `adapter is for ${adapterFile.architecture ?? 'an unknown architecture'} models, ` +
          `but ${path.basename(modelFile.path)} is ${modelFile.architecture ?? 'of unknown architecture'}`,
        { file: adapterFile.path },
      );
    }
    const modelPath = modelFile.path;
    const adapterPath = adapterFile?.path;
    const loaded = await this.models.acquire(modelPath, () => this.loadModel(modelPath));
    const contextSize = options.contextSize ?? Math.min(defaultContextSize, loaded.model.trainContextSize);
    const poolKey = JSON.stringify([modelPath, adapterPath ?? null, adapterScale, contextSize, sequences]);
    const release = async (): Promise<void> => {
      await this.pools.release(poolKey);
      await this.models.release(modelPath);
    };
    let pool: SequencePool;
    try {
      pool = await this.pools.acquire(poolKey, () =>
        this.createPool(loaded, contextSize, sequences, adapterPath, adapterScale),
      );
    } catch (error) {
      await this.models.release(modelPath);
      throw error;
    }
    try {
      if (this.disposed) throw new DisposedError();
      const chatWrapper =
        options.chatWrapper === undefined || typeof options.chatWrapper === 'string'
          ? resolveChatWrapper(loaded.model, { type: options.chatWrapper ?? 'auto' })
          : options.chatWrapper;
      const id =
        options.id ?? `llama-cpp:${options.model}${options.adapter !== undefined ? `+${options.adapter}` : ''}`;
      return new LlamaCppChatModel(id, loaded.model, chatWrapper, pool, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /**
   * An Embedder on a GGUF model (an embedding model, or any model: llama.cpp pools its last hidden states), loaded
   * once like the chat models' files. Texts are embedded one at a time in one embedding context of `threads`.
   */
  async embedder(options: { model: string; id?: string }): Promise<Embedder & { dispose(): Promise<void> }> {
    if (this.disposed) throw new DisposedError();
    const modelFile = await resolveModelSource(options.model, 'model', {
      ...(this.options.modelsDirectory !== undefined ? { modelsDirectory: this.options.modelsDirectory } : {}),
      ...(this.options.allowDownload !== undefined ? { allowDownload: this.options.allowDownload } : {}),
    });
    const modelPath = modelFile.path;
    const loaded = await this.models.acquire(modelPath, () => this.loadModel(modelPath));
    let context: LlamaEmbeddingContext;
    const contextSize = Math.min(defaultContextSize, loaded.model.trainContextSize);
    try {
      context = await loaded.model.createEmbeddingContext({
        contextSize,
        threads: this.options.threads,
      });
    } catch (error) {
      await this.models.release(modelPath);
      throw error;
    }
    return {
      id: options.id ?? `llama-cpp:${options.model}`,
      embed: async (texts) => {
        const vectors: number[][] = [];
        for (const text of texts) {
          // At most the embedding context's tokens (a longer text is embedded by its beginning); an empty text has
          // no vector (a zero one: its dissimilarity to anything is 1).
          const tokens = loaded.model.tokenize(text).slice(0, contextSize);
          vectors.push(tokens.length === 0 ? [] : [...(await context.getEmbeddingFor(tokens)).vector]);
        }
        return vectors;
      },
      dispose: async () => {
        await context.dispose();
        await this.models.release(modelPath);
      },
    };
  }

  stats(): LlamaCppEngineStats {
    return {
      modelLoads: this.models.createdCount,
      adapterLoads: this.adapterLoads,
      contextCreations: this.pools.createdCount,
      llamaContextCreations: this.llamaContextCreations,
      liveModels: this.models.size,
      liveContexts: this.pools.size,
      activeGenerations: this.activity.active,
    };
  }

  private async loadModel(modelPath: string): Promise<LoadedModel> {
    try {
      return { model: await this.llama.loadModel({ modelPath }), adapters: new Set() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MaftError(
        'INPUT_INVALID',
        `llama.cpp cannot load this model: ${reason}`,
        { file: modelPath },
        { cause: error },
      );
    }
  }

  private async createPool(
    loaded: LoadedModel,
    contextSize: number,
    sequences: number,
    adapterPath: string | undefined,
    scale: number,
  ): Promise<SequencePool> {
    try {
      const open = () => {
        this.llamaContextCreations++;
        return loaded.model.createContext({
          contextSize,
          sequences,
          threads: this.options.threads,
          ...(adapterPath !== undefined ? { lora: { adapters: [{ filePath: adapterPath, scale }] } } : {}),
        });
      };
      const context = await open();
      // node-llama-cpp keeps an adapter loaded on its model (keyed by path) once a context has used it.
      if (adapterPath !== undefined && !loaded.adapters.has(adapterPath)) {
        loaded.adapters.add(adapterPath);
        this.adapterLoads++;
      }
      return new SequencePool(context, open, this.options.contexts ?? 1, this.activity);
    } catch (error) {
      if (adapterPath === undefined) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      // llama.cpp logs the actual cause (e.g. a tensor shape that does not match this base model).
      const message = `cannot apply adapter to ${path.basename(loaded.model.filename ?? 'the model')}: ${reason} (see llama.cpp's log)`;
      throw new MaftError('INPUT_INVALID', message, { file: adapterPath }, { cause: error });
    }
  }

  /** Dispose every context, model and the runtime. Requests in flight fail with node-llama-cpp's DisposedError. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pools.disposeAll();
    await this.models.disposeAll();
    await this.llama.dispose();
  }
}

/** Start the llama.cpp runtime. `build: 'never'`: a missing prebuilt binary fails here instead of compiling from the network. */
export async function createLlamaCppEngine(options: LlamaCppEngineOptions): Promise<LlamaCppEngine> {
  if (!(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new MaftError('CONFIG_INVALID', `threads must be a positive integer, got ${options.threads}`, {
      field: 'threads',
    });
  }
  if (options.contexts !== undefined && !(Number.isInteger(options.contexts) && options.contexts >= 1)) {
    throw new MaftError('CONFIG_INVALID', `contexts must be a positive integer, got ${options.contexts}`, {
      field: 'contexts',
    });
  }
  const llama = await getLlama({
    gpu: options.gpu ?? false,
    build: 'never',
    // Every context may decode at once, each on its own `threads` (node-llama-cpp's thread splitter would
    // otherwise make the contexts take turns).
    maxThreads: options.threads * (options.contexts ?? 1),
    logLevel: (options.logLevel ?? 'warn') as LlamaLogLevel,
  });
  return new LlamaCppEngine(llama, options);
}
