/**
 * The models a society's diversity is measured with (docs/diversity.md): on the embedded engine, each agent's
 * final-round model and the base model as reply scorers (teacher-forced token distributions), and an embedder
 * — a GGUF file, the run's base model by default, or an OpenAI-compatible /embeddings when a URL is named.
 * Over HTTP no scorer exists (a server's logprobs give a few top tokens of its own samples, not the distribution
 * a model assigns to another model's reply), so the likelihood and KL measures are null there.
 */
import type { ModelRef } from '../spec/model-ref.js';
import type { LlamaCppEngine } from '../backends/llama-cpp/index.js';
import { createOpenAiEmbedder } from '../backends/openai-compatible/index.js';
import type { DiversityModels } from '../diversity/measure-debate.js';
import { MaftError } from '../errors/maft-error.js';
import type { Embedder, ReplyScorer } from '../spec/chat-model.js';
import type { SocietyPlan } from './society-plan.js';

/** The run config's `diversity` section, as far as opening models goes. */
export interface DiversityModelSettings {
  embeddingModel?: string | undefined;
  embeddingUrl?: string | undefined;
  embeddingApiKeyEnv?: string | undefined;
}

export interface OpenDiversityModels extends DiversityModels {
  release(): Promise<void>;
}

/** An embedder named by URL (any backend), or undefined when the settings name none. */
export function urlEmbedder(settings: DiversityModelSettings): Embedder | undefined {
  if (settings.embeddingUrl === undefined) return undefined;
  if (settings.embeddingModel === undefined)
    throw new MaftError('CONFIG_INVALID', 'diversity.embeddingUrl needs diversity.embeddingModel (the served name)', {
      field: 'diversity.embeddingModel',
    });
  return createOpenAiEmbedder({
    baseURL: settings.embeddingUrl,
    model: settings.embeddingModel,
    ...(settings.embeddingApiKeyEnv !== undefined ? { apiKeyEnv: settings.embeddingApiKeyEnv } : {}),
  });
}

/** Embedded engine: scorers for the plan's final-round models and the base model, and the embedder. */
export async function openEmbeddedDiversityModels(
  engine: LlamaCppEngine,
  backend: { model: string; contextSize: number },
  plan: SocietyPlan,
  settings: DiversityModelSettings,
  adapterFileOf: (ref: ModelRef | undefined) => string | undefined,
): Promise<OpenDiversityModels> {
  const opened: { dispose(): Promise<void> }[] = [];
  const release = async () => {
    for (const model of opened.splice(0)) await model.dispose();
  };
  try {
    const open = async (adapter: string | undefined): Promise<ReplyScorer> => {
      const model = await engine.chatModel({
        model: backend.model,
        contextSize: backend.contextSize,
        ...(adapter !== undefined
          ? { adapter, id: `llama-cpp:${backend.model}+${adapter}` }
          : { id: `llama-cpp:${backend.model}` }),
      });
      opened.push(model);
      return model;
    };
    const base = await open(undefined);
    const scorers: ReplyScorer[] = [];
    for (const agent of plan.agents) {
      const adapter = adapterFileOf(plan.rounds >= 2 ? agent.critic : agent.generator);
      scorers.push(adapter === undefined ? base : await open(adapter));
    }
    let embedder = urlEmbedder(settings);
    if (embedder === undefined) {
      const gguf = await engine.embedder({ model: settings.embeddingModel ?? backend.model });
      opened.push(gguf);
      embedder = gguf;
    }
    return { scorers, base, embedder, release };
  } catch (error) {
    await release();
    throw error;
  }
}
