/**
 * A society on a llama-server maft manages (src/backends/llama-server/): every agent's generator and critic is
 * the base model with one GGUF adapter chosen per request; the summarizer the base model. Opening a society
 * (re)starts the server when it lacks one of the society's adapters (the restart rule: managed-server.ts).
 */
import { existsSync } from 'node:fs';
import { assertAdapterFitsBase, readBaseShapes, type BaseShapes } from '../adapters/adapter-fits-base.js';
import { findLlamaServerBinary, ManagedLlamaServer } from '../backends/llama-server/index.js';
import { assertGgufFile } from '../backends/llama-cpp/index.js';
import type { LlamaServerBackendConfig } from '../config/config-sections.js';
import type { DebateAgent } from '../debate/debate-problem.js';
import { MaftError } from '../errors/maft-error.js';
import type { ChatModel } from '../spec/chat-model.js';
import { adapterOf, ggufAdapterFile } from './model-files.js';
import type { ModelSource, ModelSourceOptions } from './open-society.js';

/** Before a run exists: the model is a GGUF file and the binary is there. */
export async function checkLlamaServerBackend(backend: LlamaServerBackendConfig): Promise<void> {
  if (!existsSync(backend.model)) throw new MaftError('FILE_NOT_FOUND', 'no such model file', { file: backend.model });
  await assertGgufFile(backend.model, 'model');
  findLlamaServerBinary(backend.binary);
}

export function llamaServerModelSource(
  backend: LlamaServerBackendConfig,
  options: ModelSourceOptions,
  viaCache: (model: ChatModel) => ChatModel,
): Omit<ModelSource, 'openDiversityModels' | 'replyCounts'> {
  let server: ManagedLlamaServer | undefined;
  let base: Promise<BaseShapes> | undefined;
  const checked = new Map<string, Promise<void>>();
  const baseId = `llama-server:${backend.model}`;
  return {
    async openSociety(plan) {
      server ??= new ManagedLlamaServer({
        binary: findLlamaServerBinary(backend.binary),
        model: backend.model,
        alias: 'maft-base',
        threads: backend.threads,
        contextSize: backend.contextSize,
        parallel: backend.parallel,
        startupTimeoutMs: backend.startupTimeoutMs,
        timeoutMs: backend.timeoutMs,
        extraArgs: backend.extraArgs,
      });
      const names = plan.agents.flatMap((agent) => [
        adapterOf(agent.generator, backend),
        adapterOf(agent.critic, backend),
      ]);
      const files = new Map<string, string>();
      for (const name of names)
        if (name !== undefined) files.set(name, ggufAdapterFile(name, options.adapterPath, backend));
      base ??= readBaseShapes(backend.model);
      const shapes = await base;
      for (const file of files.values()) {
        if (!checked.has(file)) checked.set(file, assertAdapterFitsBase(file, shapes));
        await checked.get(file);
      }
      const hold = await server.hold([...files.values()]);
      const running = server;
      const model = (name: string | undefined): ChatModel =>
        viaCache(
          running.model(
            name === undefined ? { file: undefined, id: baseId } : { file: files.get(name), id: `${baseId}+${name}` },
          ),
        );
      const agents: DebateAgent[] = plan.agents.map((agent) => ({
        generator: model(adapterOf(agent.generator, backend)),
        critic: model(adapterOf(agent.critic, backend)),
      }));
      return { agents, summarizer: model(undefined), release: async () => running.release(hold) };
    },
    activeGenerations: () => undefined,
    dispose: async () => {
      await server?.stop();
    },
  };
}
