/**
 * The chat models behind the served names, through the one society builder (src/society/open-society.ts):
 * each society opened on first use and kept until the server closes. No request cache: a served answer is
 * sampled, not replayed, and the run directory is never written.
 */
import type { BackendConfig } from '../config/config-sections.js';
import type { DebateAgent } from '../debate/debate-problem.js';
import { createModelSource, type OpenSociety } from '../society/open-society.js';
import type { SocietyPlan } from '../society/society-plan.js';
import type { ChatModel } from '../spec/chat-model.js';

export interface SocietyModels {
  agents: DebateAgent[];
  summarizer: ChatModel;
}

export interface ServedModelSource {
  open(name: string, plan: SocietyPlan): Promise<SocietyModels>;
  /** Generations running in the embedded engine right now (undefined over HTTP). */
  activeGenerations(): number | undefined;
  dispose(): Promise<void>;
}

export interface ServedModelOptions {
  /** An adapter's artifact name → its file (the run's artifacts). */
  adapterPath: (name: string) => string;
  agents: number;
  /** Requests answered at once: with a GPU, agents × this many sequences batch together. */
  concurrency: number;
}

export function openServedModelSource(backend: BackendConfig, options: ServedModelOptions): ServedModelSource {
  const source = createModelSource(backend, {
    agents: options.agents,
    problemConcurrency: options.concurrency,
    adapterPath: options.adapterPath,
  });
  const opened = new Map<string, Promise<OpenSociety>>();
  return {
    open(name, plan) {
      let society = opened.get(name);
      if (society === undefined) {
        society = source.openSociety(plan);
        opened.set(name, society);
        society.catch(() => opened.delete(name));
      }
      return society;
    },
    activeGenerations: () => source.activeGenerations(),
    async dispose() {
      const societies = await Promise.allSettled(opened.values());
      for (const society of societies) if (society.status === 'fulfilled') await society.value.release();
      await source.dispose();
    },
  };
}
