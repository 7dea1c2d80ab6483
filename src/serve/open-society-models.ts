/**
 * The chat models behind the served names, opened on first use and kept until the server closes: one backend
 * for everything (embedded: one engine, the base model loaded once, one context per adapter; HTTP: one client
 * whose concurrency limit all agents share). Requests never reach the run's request cache: a served answer is
 * sampled, not replayed, and the run directory is never written.
 */
import { createLlamaCppEngine, type LlamaCppEngine } from '../backends/llama-cpp/index.js';
import { createOpenAiCompatibleModel } from '../backends/openai-compatible/index.js';
import type { BackendConfig } from '../config/debate-config.js';
import type { DebateAgent } from '../debate/debate-problem.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { SocietyPlan } from '../society/society-plan.js';

export interface SocietyModels {
  agents: DebateAgent[];
  summarizer: ChatModel;
}

export interface ServedModelSource {
  open(name: string, plan: SocietyPlan): Promise<SocietyModels>;
  /** Generations running in the engine right now (embedded backend; undefined over HTTP). */
  activeGenerations(): number | undefined;
  dispose(): Promise<void>;
}

export async function openServedModelSource(backend: BackendConfig, adapterFile: (artifact: string) => string): Promise<ServedModelSource> {
  const opened = new Map<string, Promise<SocietyModels>>();
  const cachedOpen = (open: (plan: SocietyPlan) => Promise<SocietyModels>) => (name: string, plan: SocietyPlan) => {
    let models = opened.get(name);
    if (models === undefined) {
      models = open(plan);
      opened.set(name, models);
      models.catch(() => opened.delete(name));
    }
    return models;
  };
  if (backend.kind === 'openai') {
    const model = createOpenAiCompatibleModel({
      baseURL: backend.baseUrl, model: backend.model, apiKeyEnv: backend.apiKeyEnv, concurrency: backend.concurrency,
      timeoutMs: backend.timeoutMs, maxRetries: backend.maxRetries,
    });
    return {
      open: cachedOpen(async (plan) => ({ agents: plan.agents.map(() => ({ generator: model, critic: model })), summarizer: model })),
      activeGenerations: () => undefined,
      dispose: async () => {},
    };
  }
  const engine: LlamaCppEngine = await createLlamaCppEngine({ threads: backend.threads, gpu: backend.gpu, logLevel: 'error' });
  const sequences = backend.parallelSequences ?? 1;
  const models = new Map<string, Promise<ChatModel>>();
  const model = (adapter: string | undefined): Promise<ChatModel> => {
    const key = adapter ?? '';
    let chat = models.get(key);
    if (chat === undefined) {
      chat = engine.chatModel({
        model: backend.model, contextSize: backend.contextSize, sequences,
        ...(adapter !== undefined ? { adapter: adapterFile(adapter), id: `llama-cpp:${backend.model}+${adapter}` } : {}),
      });
      models.set(key, chat);
      chat.catch(() => models.delete(key));
    }
    return chat;
  };
  return {
    open: cachedOpen(async (plan) => {
      const agents: DebateAgent[] = [];
      for (const own of plan.agents) agents.push({ generator: await model(own.generator), critic: await model(own.critic) });
      return { agents, summarizer: await model(undefined) };
    }),
    activeGenerations: () => engine.stats().activeGenerations,
    dispose: () => engine.dispose(),
  };
}
