/**
 * Which models a method's society uses after `iteration` finetuning iterations, and its shape (pure: the
 * registry in, adapter names out; undefined = the base model). The summarizer is always the base model
 * (docs/method.md: "a summary of them written by the base model").
 */
import { latestAdapter, type ModelRegistry } from '../finetune/model-registry.js';
import { methodShapes, type FinetuneMethod } from '../spec/methods.js';

export interface AgentModels {
  /** Adapter (artifact name) of the agent's generator; undefined: the base model. */
  generator?: string;
  critic?: string;
}

export interface SocietyPlan {
  agents: AgentModels[];
  rounds: number;
}

export interface SocietyShapeSettings {
  agents: number;
  rounds: number;
  /** Critics finetuned (false: the "without critic" ablation, rounds ≥ 2 use the base model). */
  critics: boolean;
}

/** The base society: N agents, M rounds, every model the base. */
export function baseSociety(settings: SocietyShapeSettings, rounds = settings.rounds): SocietyPlan {
  return { agents: Array.from({ length: settings.agents }, () => ({})), rounds };
}

export function methodSociety(
  method: FinetuneMethod,
  iteration: number,
  registry: ModelRegistry,
  settings: SocietyShapeSettings,
): SocietyPlan {
  const shape = methodShapes[method];
  const agents = shape.agents === 'society' ? settings.agents : 1;
  const rounds = shape.rounds === 'debate' ? settings.rounds : 1;
  const own = (key: Parameters<typeof latestAdapter>[1]): string | undefined =>
    iteration === 0 ? undefined : latestAdapter(registry, key);
  if (method === 'multiagent-ft') {
    return {
      rounds,
      agents: Array.from({ length: agents }, (_, agent) => {
        const generator = own({ method, iteration, agent, role: 'generator' });
        const critic = settings.critics ? own({ method, iteration, agent, role: 'critic' }) : undefined;
        return { ...(generator ? { generator } : {}), ...(critic ? { critic } : {}) };
      }),
    };
  }
  const single = own({ method, iteration, agent: null, role: 'single' });
  const models: AgentModels = single === undefined ? {} : { generator: single, critic: single };
  return { rounds, agents: Array.from({ length: agents }, () => ({ ...models })) };
}

/**
 * The adapter a model of iteration k starts training from: its own of iteration k − 1 when `from` is
 * `previous` (the released code), none (the base model) when `base` — and always none for STaR, which as in
 * Zelikman et al. restarts from the base model every iteration.
 */
export function startingAdapter(
  key: Parameters<typeof latestAdapter>[1],
  from: 'previous' | 'base',
  registry: ModelRegistry,
): string | undefined {
  if (from !== 'previous' || key.method === 'star' || key.iteration <= 1) return undefined;
  return latestAdapter(registry, { ...key, iteration: key.iteration - 1 });
}
