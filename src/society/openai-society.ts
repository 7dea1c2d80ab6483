/**
 * A society on an OpenAI-compatible server: each agent's generator and critic is a model name the server serves
 * (`{served}`: an OpenAI `ft:` id, a Together output name, a vLLM LoRA name), the base model where a plan names
 * none; the summarizer the base model. One client per name, all sharing the endpoint's concurrency.
 *
 * An `{adapter}` ref is served only when the backend is flagged as vLLM (`backend.vllm`): the adapter is a PEFT
 * directory (the `hf` trainer's `peftAdapter`), registered by name through vLLM's runtime LoRA endpoint before
 * the society debates (src/vllm/). Anywhere else it is refused with one line.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createOpenAiCompatibleModel } from '../backends/openai-compatible/index.js';
import type { OpenAiBackendConfig } from '../config/config-sections.js';
import { MaftError } from '../errors/maft-error.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { ModelRef } from '../spec/model-ref.js';
import { readPeftAdapterRank } from '../vllm/read-adapter-rank.js';
import { serverPathOf, type SocietyAdapter } from '../vllm/society-adapters.js';
import { registerSocietyAdapters } from '../vllm/vllm-lora-client.js';
import { adapterFile } from './model-files.js';
import type { ModelSource, ModelSourceOptions } from './open-society.js';

/**
 * The name vLLM serves a run's adapter under: its artifact path without `models/` and the extension, `/` → `.`
 * (`models/multiagent-ft/iteration-1/agent-0-generator` → `multiagent-ft.iteration-1.agent-0-generator`), so
 * every agent and role of every iteration has its own name (and its own request-cache key).
 */
export function vllmAdapterName(artifact: string): string {
  const stem = artifact
    .replace(/^models\//, '')
    .replace(/\/+$/, '')
    .replace(/\.(gguf|peft)$/, '');
  return stem
    .split(/[/\\]+/)
    .filter(Boolean)
    .join('.')
    .replace(/[^A-Za-z0-9._-]/g, '_');
}

export function openAiModelSource(
  backend: OpenAiBackendConfig,
  options: ModelSourceOptions,
  viaCache: (model: ChatModel) => ChatModel,
): Omit<ModelSource, 'openDiversityModels' | 'replyCounts'> {
  const clients = new Map<string, ChatModel>();
  const client = (name: string): ChatModel => {
    let model = clients.get(name);
    if (model === undefined) {
      model = viaCache(
        createOpenAiCompatibleModel({
          baseURL: backend.baseUrl,
          model: name,
          apiKeyEnv: backend.apiKeyEnv,
          concurrency: backend.concurrency,
          timeoutMs: backend.timeoutMs,
          maxRetries: backend.maxRetries,
        }),
      );
      clients.set(name, model);
    }
    return model;
  };
  return {
    async openSociety(plan) {
      const adapters = new Map<string, SocietyAdapter>();
      const nameOf = (ref: ModelRef | undefined): string => {
        if (ref === undefined) return backend.model;
        if ('served' in ref) return ref.served;
        const known = adapters.get(ref.adapter);
        if (known !== undefined) return known.name;
        if (backend.vllm === undefined)
          throw new MaftError(
            'CONFIG_INVALID',
            `the openai backend serves models by name and cannot load adapter ${ref.adapter} (use the llama-cpp or llama-server backend for GGUF adapters, or flag a vLLM server with backend.vllm for PEFT adapters)`,
            { field: 'backend.kind' },
          );
        const directory = adapterFile(ref.adapter, options.adapterPath);
        if (!existsSync(directory) || !statSync(directory).isDirectory())
          throw new MaftError(
            'CONFIG_INVALID',
            `vLLM loads PEFT adapter directories, not ${path.extname(directory) === '.gguf' ? 'GGUF files' : 'this'} (convert it with maft adapter convert, or train with trainer.kind hf)`,
            { file: directory, field: 'backend.vllm' },
          );
        const name = vllmAdapterName(ref.adapter);
        adapters.set(ref.adapter, { name, path: serverPathOf(directory, backend.vllm.adapterPathPrefix), rank: 0 });
        return name;
      };
      const names = plan.agents.map((agent) => ({ generator: nameOf(agent.generator), critic: nameOf(agent.critic) }));
      if (adapters.size > 0 && backend.vllm !== undefined) {
        const listed = await Promise.all(
          [...adapters.entries()].map(async ([artifact, adapter]) => ({
            ...adapter,
            rank: await readPeftAdapterRank(adapterFile(artifact, options.adapterPath)),
          })),
        );
        await registerSocietyAdapters(
          { baseUrl: backend.baseUrl, ...apiKey(backend.apiKeyEnv), timeoutMs: backend.timeoutMs },
          {
            adapters: listed,
            agentsPerRound: plan.agents.length,
            limits: {
              ...(backend.vllm.maxLoras === undefined ? {} : { maxLoras: backend.vllm.maxLoras }),
              ...(backend.vllm.maxLoraRank === undefined ? {} : { maxLoraRank: backend.vllm.maxLoraRank }),
            },
          },
        );
      }
      return {
        agents: names.map((agent) => ({ generator: client(agent.generator), critic: client(agent.critic) })),
        summarizer: client(backend.model),
        release: async () => {},
      };
    },
    activeGenerations: () => undefined,
    dispose: async () => {},
  };
}

function apiKey(variable: string): { apiKey?: string } {
  const key = process.env[variable];
  return key === undefined || key === '' ? {} : { apiKey: key };
}
