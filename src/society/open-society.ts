/**
 * A society's chat models on the configured backend (the only code that maps a backend config to clients),
 * and the checks that can fail before a run directory exists.
 */
import { existsSync } from 'node:fs';
import { createLlamaCppEngine, defaultDecodeContexts, type LlamaCppEngine } from '../backends/llama-cpp/index.js';
import { assertGgufFile, isRemoteModelSource } from '../backends/llama-cpp/index.js';
import type { BackendConfig } from '../config/config-sections.js';
import { cachedModel, emptyReplyCounts, type ReplyCounts } from '../debate/cached-model.js';
import type { DebateAgent } from '../debate/debate-problem.js';
import { MaftError } from '../errors/maft-error.js';
import type { BorrowedReplies } from '../run-store/borrowed-replies.js';
import type { RequestCache } from '../run-store/request-cache.js';
import type { ChatModel, ChatResponse } from '../spec/chat-model.js';
import { checkLlamaServerBackend, llamaServerModelSource } from './llama-server-society.js';
import { adapterOf, ggufAdapterFile } from './model-files.js';
import { openAiModelSource } from './openai-society.js';
import {
  openEmbeddedDiversityModels,
  urlEmbedder,
  type DiversityModelSettings,
  type OpenDiversityModels,
} from './open-diversity-models.js';
import type { SocietyPlan } from './society-plan.js';

/**
 * Check what can be checked before any work starts (the model file exists and is GGUF), so a bad model is
 * one clear error and no run directory is created for it.
 */
export async function checkBackend(backend: BackendConfig): Promise<void> {
  if (backend.kind === 'openai') return checkEndpoint(backend.baseUrl);
  if (backend.kind === 'llama-server') return checkLlamaServerBackend(backend);
  if (!isRemoteModelSource(backend.model)) {
    if (!existsSync(backend.model))
      throw new MaftError('FILE_NOT_FOUND', 'no such model file', { file: backend.model });
    await assertGgufFile(backend.model, 'model');
  }
}

/**
 * The id the embedded engine gives the base model (no adapter; engine.ts): the id another run's replies must carry
 * to be reused (`maft run --reuse`). An adapter's is this plus `+<adapter>`, never reused.
 */
export function embeddedBaseModelId(model: string): string {
  return `llama-cpp:${model}`;
}

/** A society's models, ready to debate, and the way to let them go. */
export interface OpenSociety {
  agents: DebateAgent[];
  summarizer: ChatModel;
  release(): Promise<void>;
}

/** Where a run's models come from: the base model and adapters on it, on the configured backend. */
export interface ModelSource {
  /** Open the models of a society plan (adapters are artifact names of the run, resolved by `adapterPath`). */
  openSociety(plan: SocietyPlan): Promise<OpenSociety>;
  /** The models a society's diversity is measured with (open-diversity-models.ts). */
  openDiversityModels(plan: SocietyPlan, settings: DiversityModelSettings): Promise<OpenDiversityModels>;
  /** Where the replies so far came from (own cache, another run's, the model): a stage's share is a difference. */
  replyCounts(): ReplyCounts;
  /** Generations running in the embedded engine right now (0 before it starts); undefined over HTTP. */
  activeGenerations(): number | undefined;
  dispose(): Promise<void>;
}

export interface ModelSourceOptions {
  /**
   * Every call goes through this cache (the run's request cache), so a resumed stage never pays twice.
   * Undefined: calls go straight to the backend (`maft serve`: a served answer is sampled, never replayed, and
   * nothing is written to a run).
   */
  cache?: RequestCache<ChatResponse> | undefined;
  /**
   * Another run's base-model replies (`maft run --reuse`, embedded backend only): asked after the run's own
   * cache, for the base model only — never for an adapter, whose id names a file of its own run.
   */
  borrowed?: BorrowedReplies<ChatResponse> | undefined;
  /** Agents × problems in flight: the sequences a GPU context batches (CPU: 1, bit-exact replies). */
  agents: number;
  problemConcurrency: number;
  /** An adapter's artifact name → its file (an absolute name is a file already: adapterFile in model-files.ts). */
  adapterPath: (name: string) => string;
}

/**
 * The one place a backend config becomes chat models: a society plan's 2N ModelRefs (generator n, critic n)
 * plus the summarizer, each resolved to what the backend needs. Embedded: one llama.cpp engine, started when the
 * first society is opened (a stage that needs no model never loads one); one context per (model, adapter) whose
 * sequences the agents share, released with the society; an adapter ref is a file, a served one is refused.
 * openai: one client per served name (openai-society.ts; adapters only on a vLLM server, registered by name).
 * llama-server: a server maft manages with the society's adapters, one chosen per request
 * (llama-server-society.ts). Every model has its own id, so the request cache never hands one model's reply to
 * another. The summarizer is always the base model (docs/method.md: "a summary written by the base model").
 */
export function createModelSource(backend: BackendConfig, options: ModelSourceOptions): ModelSource {
  const { cache } = options;
  const counts = emptyReplyCounts();
  const replyCounts = () => ({ ...counts });
  const viaCache = (model: ChatModel, base = false): ChatModel =>
    cache === undefined
      ? model
      : cachedModel(model, cache, { counts, ...(base && options.borrowed ? { borrowed: options.borrowed } : {}) });
  // Over HTTP the likelihood and KL measures need logprobs the servers do not all give: only the embedder.
  const httpDiversity: ModelSource['openDiversityModels'] = async (_plan, settings) => {
    const embedder = urlEmbedder(settings);
    return { ...(embedder !== undefined ? { embedder } : {}), release: async () => {} };
  };
  if (backend.kind === 'openai')
    return { ...openAiModelSource(backend, options, viaCache), openDiversityModels: httpDiversity, replyCounts };
  if (backend.kind === 'llama-server')
    return { ...llamaServerModelSource(backend, options, viaCache), openDiversityModels: httpDiversity, replyCounts };
  let engine: Promise<LlamaCppEngine> | undefined;
  let started: LlamaCppEngine | undefined;
  const sequences =
    backend.parallelSequences ?? (backend.gpu === 'auto' ? options.agents * options.problemConcurrency : 1);
  const start = async (): Promise<LlamaCppEngine> => {
    engine ??= createLlamaCppEngine({
      threads: backend.threads,
      contexts: backend.contexts ?? defaultDecodeContexts(backend.threads, backend.gpu),
      gpu: backend.gpu,
      logLevel: 'error',
    });
    started = await engine;
    return started;
  };
  return {
    openDiversityModels: async (plan, settings) =>
      openEmbeddedDiversityModels(await start(), backend, plan, settings, (ref) => {
        const adapter = adapterOf(ref, backend);
        return adapter === undefined ? undefined : ggufAdapterFile(adapter, options.adapterPath, backend);
      }),
    async openSociety(plan) {
      const running = await start();
      const opened = new Map<string, ChatModel & { dispose(): Promise<void> }>();
      const open = async (adapter: string | undefined): Promise<ChatModel> => {
        const key = adapter ?? '';
        let model = opened.get(key);
        if (model === undefined) {
          model = await running.chatModel({
            model: backend.model,
            contextSize: backend.contextSize,
            sequences,
            ...(adapter !== undefined
              ? {
                  adapter: ggufAdapterFile(adapter, options.adapterPath, backend),
                  id: `llama-cpp:${backend.model}+${adapter}`,
                }
              : {}),
          });
          opened.set(key, model);
        }
        return model;
      };
      const release = async () => {
        for (const model of opened.values()) await model.dispose();
      };
      try {
        // The base model (no adapter) is the only model another run's replies may answer for.
        const summarizer = viaCache(await open(undefined), true);
        const agents: DebateAgent[] = [];
        for (const own of plan.agents) {
          const generator = adapterOf(own.generator, backend);
          const critic = adapterOf(own.critic, backend);
          agents.push({
            generator: viaCache(await open(generator), generator === undefined),
            critic: viaCache(await open(critic), critic === undefined),
          });
        }
        return { agents, summarizer, release };
      } catch (error) {
        await release();
        throw error;
      }
    },
    replyCounts,
    activeGenerations: () => started?.stats().activeGenerations ?? 0,
    dispose: async () => {
      if (engine !== undefined) await (await engine).dispose();
    },
  };
}

/**
 * Is anything listening at the server? Any HTTP answer (even 401 or 404) proves it is; only a failed
 * connection or no answer within 10 s stops the run before it starts. The API key is not sent.
 */
async function checkEndpoint(baseUrl: string): Promise<void> {
  try {
    await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = failureCode(error);
    throw new MaftError('ENDPOINT_UNREACHABLE', `cannot reach ${baseUrl} (${cause}); is the server running?`, {
      field: 'backend.baseUrl',
    });
  }
}

/** The first system error code (ECONNREFUSED, ENOTFOUND…) in an error's cause chain, or its name. */
function failureCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const { code, errors } = current as { code?: unknown; errors?: unknown[] };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = errors?.[0] ?? current.cause;
  }
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in 10 s';
  return error instanceof Error && error.cause instanceof Error ? error.cause.message : 'connection failed';
}
