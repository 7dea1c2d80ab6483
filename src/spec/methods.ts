/**
 * The methods `maft run` evaluates on the held-out split (docs/method.md, "Baselines"), and what each one needs.
 * Pure data: the pipeline reads it to plan stages, the report to label lines.
 *
 * - `base`: one agent, one answer (agent 0's round-1 answer of the base society's held-out debate: an
 *   independent sample with the same seed a lone agent would use).
 * - `majority`: N independent answers, majority vote (the base society's round-1 vote: no debate).
 * - `debate`: the base society's debate, no finetuning.
 * - `multiagent-ft`: the method: every agent's generator and critic finetuned on its own share, iterated.
 * - `single-agent-ft`: one model finetuned on the pooled debate data (every agent's generator and critic
 *   rows), used as every agent of the debate, iterated.
 * - `single-agent-ft-nodebate`: the "without debate" ablation: one model finetuned on single-agent answers —
 *   every agent's lone round-1 answer that agrees with the round-1 majority, no debate in its data — used as
 *   every agent of the debate, iterated (the data of majority-ft, the evaluation of single-agent-ft).
 * - `majority-ft`: one model finetuned on every agent's round-1 answers that agree with the round-1 majority
 *   (majority voting over independent answers, no debate), iterated, evaluated by majority vote.
 * - `star`: one model finetuned on its own correct answers; a wrong one is retried with the true answer as a
 *   hint and kept when then right (rationalisation). Uses the ground truth, unlike the others; iterated,
 *   evaluated as a single agent.
 */
export const methodNames = [
  'base',
  'majority',
  'debate',
  'multiagent-ft',
  'single-agent-ft',
  'single-agent-ft-nodebate',
  'majority-ft',
  'star',
] as const;
export type MethodName = (typeof methodNames)[number];

/** Methods that finetune, iteration after iteration. */
export const finetuneMethods = [
  'multiagent-ft',
  'single-agent-ft',
  'single-agent-ft-nodebate',
  'majority-ft',
  'star',
] as const;
export type FinetuneMethod = (typeof finetuneMethods)[number];

export function isFinetuneMethod(method: MethodName): method is FinetuneMethod {
  return (finetuneMethods as readonly string[]).includes(method);
}

/** How a method's society answers a problem: agents × rounds (N, M of the config, or fewer). */
export interface MethodShape {
  /** `society`: N agents; `one`: a single agent. */
  agents: 'society' | 'one';
  /** `debate`: M rounds; `one`: round 1 only (independent answers). */
  rounds: 'debate' | 'one';
}

export const methodShapes: Record<FinetuneMethod, MethodShape> = {
  'multiagent-ft': { agents: 'society', rounds: 'debate' },
  'single-agent-ft': { agents: 'society', rounds: 'debate' },
  'single-agent-ft-nodebate': { agents: 'society', rounds: 'debate' },
  'majority-ft': { agents: 'society', rounds: 'one' },
  star: { agents: 'one', rounds: 'one' },
};

export const methodLabels: Record<MethodName, string> = {
  base: 'Base (one answer)',
  majority: 'Majority vote',
  debate: 'Debate',
  'multiagent-ft': 'Multiagent FT',
  'single-agent-ft': 'Single-agent FT',
  'single-agent-ft-nodebate': 'Single-agent FT (no debate)',
  'majority-ft': 'Majority FT',
  star: 'STaR',
};

/** How a critic's D⁻ and D⁺ rows are mixed (src/finetune-data/critic-mix.ts): `keep-corrected` (default), `w`, `all`. */
export const criticMixModes = ['keep-corrected', 'w', 'all'] as const;
export type CriticMixMode = (typeof criticMixModes)[number];
