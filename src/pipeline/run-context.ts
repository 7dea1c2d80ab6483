/**
 * What every stage of a `maft run` shares: the open run directory, its config, the problems, the prompts, and
 * the models — the base model and the run's adapters on it, each call through the run's request cache, so a
 * resumed stage never pays for a call twice. Embedded backend: one llama.cpp engine for the whole run (the
 * base model loaded once); a stage's contexts are released when it ends.
 */
import { createLlamaCppEngine, type LlamaCppEngine } from '../backends/llama-cpp/index.js';
import { createOpenAiCompatibleModel } from '../backends/openai-compatible/index.js';
import type { RunConfig } from '../config/run-config.js';
import { cachedModel } from '../debate/cached-model.js';
import type { DebateAgent, DebateSettings } from '../debate/debate-problem.js';
import type { PromptTemplates } from '../debate/prompts.js';
import type { AnswerFallback } from '../grading/extract-answer.js';
import type { Run } from '../run-store/run.js';
import type { ChatModel, ChatResponse } from '../spec/chat-model.js';
import type { Problem } from '../spec/problem.js';
import type { Task } from '../tasks/task.js';
import type { SocietyPlan } from '../society/society-plan.js';

export interface RunContext {
  run: Run<RunConfig>;
  config: RunConfig;
  task: Task;
  finetuneProblems: Problem[];
  evalProblems: Problem[];
  templates: PromptTemplates;
  models: ModelSource;
  /** Progress lines for people (stderr). */
  log: (line: string) => void;
}

/** A society's models, ready to debate, and the way to let them go. */
export interface OpenSociety {
  agents: DebateAgent[];
  summarizer: ChatModel;
  release(): Promise<void>;
}

export interface ModelSource {
  /** Open the models of a society plan (adapters are artifact names of the run). */
  openSociety(plan: SocietyPlan): Promise<OpenSociety>;
  dispose(): Promise<void>;
}

export function debateSettings(context: RunContext, rounds: number): DebateSettings {
  const { config } = context;
  return {
    rounds,
    maxOthers: config.society.maxOthers ?? Math.max(1, config.society.agents - 1),
    summarize: config.society.summarize,
    sampling: config.sampling,
    seed: config.seed,
    answerType: context.task.answerType,
    extraction: config.fallbacks === undefined ? {} : { fallbacks: config.fallbacks as AnswerFallback[] },
    templates: context.templates,
  };
}

/** The models of a run on its backend. */
export async function createModelSource(run: Run<RunConfig>, config: RunConfig): Promise<ModelSource> {
  const cache = run.requestCache<ChatResponse>();
  const backend = config.backend;
  if (backend.kind === 'openai') {
    const model = cachedModel(
      createOpenAiCompatibleModel({
        baseURL: backend.baseUrl, model: backend.model, apiKeyEnv: backend.apiKeyEnv, concurrency: backend.concurrency,
        timeoutMs: backend.timeoutMs, maxRetries: backend.maxRetries,
      }),
      cache,
    );
    return {
      openSociety: async (plan) => ({ agents: plan.agents.map(() => ({ generator: model, critic: model })), summarizer: model, release: async () => {} }),
      dispose: async () => {},
    };
  }
  const engine: LlamaCppEngine = await createLlamaCppEngine({ threads: backend.threads, gpu: backend.gpu, logLevel: 'error' });
  const sequences = backend.parallelSequences ?? (backend.gpu === 'auto' ? config.society.agents * config.problemConcurrency : 1);
  return {
    async openSociety(plan) {
      const opened = new Map<string, ChatModel & { dispose(): Promise<void> }>();
      const open = async (adapter: string | undefined): Promise<ChatModel> => {
        const key = adapter ?? '';
        let model = opened.get(key);
        if (model === undefined) {
          model = await engine.chatModel({
            model: backend.model, contextSize: backend.contextSize, sequences,
            ...(adapter !== undefined ? { adapter: run.artifactPath(adapter), id: `llama-cpp:${backend.model}+${adapter}` } : {}),
          });
          opened.set(key, model);
        }
        return model;
      };
      const release = async () => {
        for (const model of opened.values()) await model.dispose();
      };
      try {
        const summarizer = cachedModel(await open(undefined), cache);
        const agents: DebateAgent[] = [];
        for (const own of plan.agents) {
          agents.push({ generator: cachedModel(await open(own.generator), cache), critic: cachedModel(await open(own.critic), cache) });
        }
        return { agents, summarizer, release };
      } catch (error) {
        await release();
        throw error;
      }
    },
    dispose: () => engine.dispose(),
  };
}
