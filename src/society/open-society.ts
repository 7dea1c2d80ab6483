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
export async function checkBackend(backend: BackendConfig, adapters: readonly { generator?: string | undefined; critic?: string | undefined }[] = []): Promise<void> {
  if (backend.kind === 'openai') return checkEndpoint(backend.baseUrl);
  for (const file of adapters.flatMap((own) => [own.generator, own.critic]).filter((item): item is string => item !== undefined)) {
    if (!existsSync(file)) throw new MaftError('FILE_NOT_FOUND', 'no such adapter file', { file });
    await assertGgufFile(file, 'adapter');
  }
  if (!isRemoteModelSource(backend.model)) {
    if (!existsSync(backend.model)) throw new MaftError('FILE_NOT_FOUND', 'no such model file', { file: backend.model });
    await assertGgufFile(backend.model, 'model');
  }
}

/**
 * Build the base society on the configured backend. Embedded: one engine, one loaded model, one context whose
 * sequences (see `parallelSequences`) the agents share. HTTP: one client, the
 * endpoint's concurrency limit shared by all agents.
 */
export async function createBaseSociety(
  backend: BackendConfig,
  agents: number,
  problemConcurrency: number,
  adapters: readonly { generator?: string | undefined; critic?: string | undefined }[] = [],
): Promise<BaseSociety> {
  if (backend.kind === 'openai') {
    if (adapters.length > 0) throw new MaftError('CONFIG_INVALID', 'adapters are applied by the embedded backend only', { field: 'society.adapters' });
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
    const sequences = backend.parallelSequences ?? (backend.gpu === 'auto' ? agents * problemConcurrency : 1);
    const chatModel = (adapter?: string) =>
      engine.chatModel({ model: backend.model, contextSize: backend.contextSize, sequences, ...(adapter !== undefined ? { adapter } : {}) });
    const model = await chatModel();
    const society: DebateAgent[] = [];
    for (let agent = 0; agent < agents; agent++) {
      const own = adapters[agent] ?? {};
      society.push({
        generator: own.generator !== undefined ? await chatModel(own.generator) : model,
        critic: own.critic !== undefined ? await chatModel(own.critic) : model,
      });
    }
    // The summarizer stays the base model (method.md: "a summary of them written by the base model").
    return { agents: society, summarizer: model, dispose: () => engine.dispose() };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

/** Every agent's generator and critic is `model`. */
function sameModelAgents(model: ChatModel, count: number): DebateAgent[] {
  return Array.from({ length: count }, () => ({ generator: model, critic: model }));
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
    throw new MaftError('ENDPOINT_UNREACHABLE', `cannot reach ${baseUrl} (${cause}); is the server running?`, { field: 'backend.baseUrl' });
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
