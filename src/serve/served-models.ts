/**
 * Which models `maft serve` offers, by name (pure: a run's config and model registry in, names and society plans
 * out). Every name is fixed when the server starts; a request can only pick one of them, never name a file.
 *
 * - `society@base`: the base society (every agent the base model), N agents × M rounds.
 * - `society@<method>/<k>`: the society of a finetuning method after iteration k, for every (method, k) the run
 *   has at least one succeeded training job of (a model whose job had no data stays what it was, as in the run).
 * - `society`: the run's last multiagent-finetuned society, `society@multiagent-ft/<highest k>` — the method's
 *   product, chosen by what was trained rather than by held-out accuracy (noisy on a few hundred problems, and
 *   a choice a user can make by naming a society); `society@base` when the run finetuned nothing with the method.
 * - `agent-<n>/generator`, `agent-<n>/critic` (n from 0): the models of the `society` society's agent n, for
 *   direct chat; the summarizer is always the base model.
 */
import type { FinetuneMethod } from '../spec/methods.js';
import {
  baseSociety,
  methodSociety,
  type AgentModels,
  type SocietyModelOptions,
  type SocietyPlan,
  type SocietyShapeSettings,
} from '../society/society-plan.js';
import type { ModelRegistry } from '../finetune/model-registry.js';

export const defaultSocietyName = 'society';

export interface ServedSociety {
  /** `society@base` or `society@<method>/<iteration>`. */
  name: string;
  method: 'base' | FinetuneMethod;
  iteration: number;
  plan: SocietyPlan;
}

export interface ServedAgentModel {
  /** `agent-<n>/<role>`. */
  name: string;
  agent: number;
  role: 'generator' | 'critic';
}

export interface ServedCatalog {
  societies: ServedSociety[];
  /** The society `society` stands for. */
  defaultSociety: ServedSociety;
  agentModels: ServedAgentModel[];
}

export function societyName(method: 'base' | FinetuneMethod, iteration: number): string {
  return method === 'base' ? 'society@base' : `society@${method}/${iteration}`;
}

export function servedCatalog(
  methods: readonly FinetuneMethod[],
  iterations: number,
  registry: ModelRegistry,
  shape: SocietyShapeSettings,
  options: SocietyModelOptions = {},
  /** The base society's models when the run was given a society (`society.models`, `maft debate --society`). */
  given?: readonly AgentModels[],
): ServedCatalog {
  const base: ServedSociety = {
    name: societyName('base', 0),
    method: 'base',
    iteration: 0,
    plan: baseSociety(shape, undefined, given),
  };
  const societies = [base];
  for (const method of methods) {
    for (let iteration = 1; iteration <= iterations; iteration++) {
      const trained = registry.entries.some(
        (entry) => entry.method === method && entry.iteration === iteration && entry.status === 'succeeded',
      );
      if (trained)
        societies.push({
          name: societyName(method, iteration),
          method,
          iteration,
          plan: methodSociety(method, iteration, registry, shape, options),
        });
    }
  }
  const multiagent = societies.filter((society) => society.method === 'multiagent-ft');
  const defaultSociety = multiagent[multiagent.length - 1] ?? base;
  const agentModels = defaultSociety.plan.agents.flatMap((_, agent) =>
    (['generator', 'critic'] as const).map((role) => ({ name: `agent-${agent}/${role}`, agent, role })),
  );
  return { societies, defaultSociety, agentModels };
}

/** Every name a request may use as `model`, as `/v1/models` lists them. */
export function servedModelNames(catalog: ServedCatalog): string[] {
  return [
    defaultSocietyName,
    ...catalog.societies.map((society) => society.name),
    ...catalog.agentModels.map((model) => model.name),
  ];
}

export type ResolvedModelName =
  { kind: 'society'; society: ServedSociety } | { kind: 'agent'; model: ServedAgentModel; society: ServedSociety };

/** The served model a request's `model` names, or undefined (exact names only: nothing is looked up on disk). */
export function resolveModelName(catalog: ServedCatalog, name: string): ResolvedModelName | undefined {
  if (name === defaultSocietyName) return { kind: 'society', society: catalog.defaultSociety };
  const society = catalog.societies.find((candidate) => candidate.name === name);
  if (society !== undefined) return { kind: 'society', society };
  const model = catalog.agentModels.find((candidate) => candidate.name === name);
  return model === undefined ? undefined : { kind: 'agent', model, society: catalog.defaultSociety };
}
