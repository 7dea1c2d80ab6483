/**
 * Which models a method's society uses after `iteration` finetuning iterations, and its shape (pure: the
 * registry in, model refs out; undefined = the base model). A model is a ModelRef: an adapter (a GGUF artifact
 * of the run, or a PEFT directory for vLLM) or a name a server serves; open-society.ts turns each into what the
 * backend needs. The summarizer is always the base model (docs/method.md: "a summary of them written by the
 * base model").
 */
import path from 'node:path';
import { latestAdapter, latestModel, type ModelKey, type ModelRegistry } from '../finetune/model-registry.js';
import { methodShapes, type FinetuneMethod } from '../spec/methods.js';
import type { ModelRef } from '../spec/model-ref.js';

export interface AgentModels {
  /** The agent's generator (round 1); undefined: the base model. */
  generator?: ModelRef;
  /** The agent's critic (rounds ≥ 2); undefined: the base model. */
  critic?: ModelRef;
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

export interface SocietyModelOptions {
  /**
   * The backend reads PEFT adapter directories (vLLM): a job that wrote one (`peftAdapter`, the `hf` trainer)
   * is served from it rather than from its GGUF conversion.
   */
  peft?: boolean;
}

/**
 * The base society: N agents, M rounds, every model the base — or, when `given` (a config's `society.models`,
 * from `maft debate --society`), agent n's models as given.
 */
export function baseSociety(
  settings: SocietyShapeSettings,
  rounds = settings.rounds,
  given?: readonly AgentModels[],
): SocietyPlan {
  return { agents: Array.from({ length: settings.agents }, (_, agent) => ({ ...given?.[agent] })), rounds };
}

/**
 * A config's `society.models` (names as written) as ModelRefs: served names on an OpenAI-compatible server,
 * adapter files (absolute) on the llama.cpp backends.
 */
export function givenModels(
  models: readonly { generator?: string | undefined; critic?: string | undefined }[] | undefined,
  backendKind: 'llama-cpp' | 'llama-server' | 'openai',
): AgentModels[] | undefined {
  if (models === undefined) return undefined;
  const ref = (name: string | undefined): ModelRef | undefined =>
    name === undefined ? undefined : backendKind === 'openai' ? { served: name } : { adapter: path.resolve(name) };
  return models.map(({ generator, critic }) => {
    const [g, c] = [ref(generator), ref(critic)];
    return { ...(g ? { generator: g } : {}), ...(c ? { critic: c } : {}) };
  });
}

/** The model `key` uses: latestModel, or with `peft` the PEFT directory of that same job when it has one. */
export function societyModel(
  registry: ModelRegistry,
  key: ModelKey,
  options: SocietyModelOptions = {},
): ModelRef | undefined {
  const model = latestModel(registry, key);
  if (options.peft !== true) return model ?? peftOnly(registry, key);
  const peft = latestPeft(registry, key);
  return peft === undefined ? model : { adapter: peft };
}

/** A job whose only product is a PEFT directory (an `hf` job on a backend that applies no GGUF adapters). */
function peftOnly(registry: ModelRegistry, key: ModelKey): ModelRef | undefined {
  const peft = latestPeft(registry, key);
  return peft === undefined ? undefined : { adapter: peft };
}

/** `peftAdapter` of the latest succeeded job of `key` (a registry field the `hf` trainer adds). */
function latestPeft(registry: ModelRegistry, key: ModelKey): string | undefined {
  const entry = registry.entries
    .filter(
      (candidate) =>
        candidate.method === key.method &&
        candidate.agent === key.agent &&
        candidate.role === key.role &&
        candidate.iteration <= key.iteration &&
        candidate.status === 'succeeded',
    )
    .sort((a, b) => b.iteration - a.iteration)[0] as { peftAdapter?: unknown } | undefined;
  return typeof entry?.peftAdapter === 'string' ? entry.peftAdapter : undefined;
}

export function methodSociety(
  method: FinetuneMethod,
  iteration: number,
  registry: ModelRegistry,
  settings: SocietyShapeSettings,
  options: SocietyModelOptions = {},
): SocietyPlan {
  const shape = methodShapes[method];
  const agents = shape.agents === 'society' ? settings.agents : 1;
  const rounds = shape.rounds === 'debate' ? settings.rounds : 1;
  const own = (key: ModelKey): ModelRef | undefined =>
    iteration === 0 ? undefined : societyModel(registry, key, options);
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

/** Every distinct model a plan names (adapters and served names), in first-use order. */
export function planModels(plan: SocietyPlan): ModelRef[] {
  const seen = new Map<string, ModelRef>();
  for (const agent of plan.agents)
    for (const ref of [agent.generator, agent.critic]) if (ref !== undefined) seen.set(JSON.stringify(ref), ref);
  return [...seen.values()];
}
