import { existsSync } from 'node:fs';
import { createLlamaCppEngine, type LlamaCppEngine } from '../backends/llama-cpp/index.js';
import { assertGgufFile, isRemoteModelSource } from '../backends/llama-cpp/index.js';
import { createOpenAiCompatibleModel } from '../backends/openai-compatible/index.js';
import type { BackendConfig } from '../config/debate-config.js';
import type { DebateAgent } from '../debate/debate-problem.js';
import { MaftError } from '../errors/maft-error.js';
import type { ChatModel } from '../spec/chat-model.js';

/** A society at the start: every agent's generator and critic is the base model, which also summarises. */
export interface BaseSociety {
  agents: DebateAgent[];
  summarizer: ChatModel;
  dispose(): Promise<void>;
}

/**
 * Check what can be checked before any work starts (the model file exists and is GGUF), so a bad model is
 * one clear error and no run directory is created for it.
 */
export async function checkBackend(backend: BackendConfig): Promise<void> {
  if (backend.kind === 'llama-cpp' && !isRemoteModelSource(backend.model)) {
    if (!existsSync(backend.model)) throw new MaftError('FILE_NOT_FOUND', 'no such model file', { file: backend.model });
    await assertGgufFile(backend.model, 'model');
  }
}

/**
 * Build the base society on the configured backend. Embedded: one engine, one loaded model, one context whose
 * sequences (see `parallelSequences`) the agents share. HTTP: one client, the
 * endpoint's concurrency limit shared by all agents.
 */
export async function createBaseSociety(backend: BackendConfig, agents: number, problemConcurrency: number): Promise<BaseSociety> {
  if (backend.kind === 'openai') {
    const model = createOpenAiCompatibleModel({
      baseURL: backend.baseUrl,
      model: backend.model,
      apiKeyEnv: backend.apiKeyEnv,
      concurrency: backend.concurrency,
      timeoutMs: backend.timeoutMs,
      maxRetries: backend.maxRetries,
    });
    return { agents: sameModelAgents(model, agents), summarizer: model, dispose: async () => {} };
  }
  const engine: LlamaCppEngine = await createLlamaCppEngine({ threads: backend.threads, gpu: backend.gpu });
  try {
    const model = await engine.chatModel({
      model: backend.model,
      contextSize: backend.contextSize,
      sequences: backend.parallelSequences ?? (backend.gpu === 'auto' ? agents * problemConcurrency : 1),
    });
    return { agents: sameModelAgents(model, agents), summarizer: model, dispose: () => engine.dispose() };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

function sameModelAgents(model: ChatModel, count: number): DebateAgent[] {
  return Array.from({ length: count }, () => ({ generator: model, critic: model }));
}
