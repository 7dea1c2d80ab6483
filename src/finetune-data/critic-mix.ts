/**
 * The critic's dataset: w·D⁻ + (1 − w)·D⁺ (docs/method.md, "The loop", step 3), w being the share of corrected
 * rows. The paper does not print w; the released code takes every D⁻ row and half as many D⁺ rows (w ≈ 2/3)
 * and crashes when |D⁺| is smaller than that. Three modes:
 *
 * `keep-corrected` (the default, the released code's rule without its crash): every D⁻ row, and D⁺ rows up to
 * w's ratio — min(|D⁺|, round(|D⁻|·(1 − w)/w)) of them (w = 0: every D⁺ row). The corrected rows are what a
 * critic learns to correct from; this mode never drops one.
 *
 * `all`: every D⁻ and D⁺ row.
 *
 * `w`: the share w exactly, which never crashes and is defined for every size:
 *
 *   take round(w·T) rows of D⁻ and T − round(w·T) rows of D⁺, with T the LARGEST total for which both
 *   counts fit (round(w·T) ≤ |D⁻| and T − round(w·T) ≤ |D⁺|); rounding is half up.
 *
 * So the result is as large as possible with a D⁻ share of w (up to rounding): T ≈ min(|D⁻|/w, |D⁺|/(1−w)).
 * Consequences, all by the same rule:
 * - w = 0: every D⁺ row and no D⁻ row; w = 1: every D⁻ row and no D⁺ row;
 * - the side that runs out first is taken whole and the other side is sampled down to match it;
 * - 0 < w < 1 and one side empty: at most the few rows rounding allows (round(w·T) = 0 for w·T < ½), usually
 *   none — the share cannot be met, so the critic gets no data rather than data of another mix. Use
 *   `criticMix: 'all'` (every D⁻ and D⁺ row) to keep everything instead.
 * Which rows are taken is a seeded draw (the same seed, iteration and agent always take the same rows).
 */
import { MaftError } from '../errors/maft-error.js';
import type { CriticMixMode } from '../spec/methods.js';
import { createRandom, deriveSeed, shuffled } from '../util/random.js';
import type { CriticCandidates } from './agent-rows.js';
import { compareProblemIds } from './debate-outcome.js';
import type { TrainingRow } from './training-row.js';

export { criticMixModes, type CriticMixMode } from '../spec/methods.js';

/** `keep-corrected`: how many D⁺ rows go with every D⁻ row at share w (all of them at w = 0). */
export function confirmedToKeep(available: CriticMixCounts, correctedShare: number): number {
  if (correctedShare <= 0) return available.confirmed;
  return Math.min(available.confirmed, Math.round((available.corrected * (1 - correctedShare)) / correctedShare));
}

export interface CriticMixCounts {
  corrected: number;
  confirmed: number;
}

/** How many rows of D⁻ and D⁺ the mix takes, for `correctedShare` = w ∈ [0, 1] (see the rule above). */
export function planCriticMix(available: CriticMixCounts, correctedShare: number): CriticMixCounts {
  if (!(correctedShare >= 0 && correctedShare <= 1)) {
    throw new MaftError('CONFIG_INVALID', `the critic's corrected share w must be in [0, 1], not ${correctedShare}`);
  }
  // Both counts only grow with T (by at most one per step), so the feasible totals are 0..T*: scan down.
  for (let total = available.corrected + available.confirmed; total > 0; total--) {
    const corrected = Math.round(correctedShare * total);
    if (corrected <= available.corrected && total - corrected <= available.confirmed) {
      return { corrected, confirmed: total - corrected };
    }
  }
  return { corrected: 0, confirmed: 0 };
}

export interface CriticMixSettings {
  mode: CriticMixMode;
  /** w, the share of D⁻ rows; used by mode `w`. */
  correctedShare: number;
  /** The run's seed; the draw is derived from it, the iteration and the agent. */
  seed: number;
  iteration: number;
  agent: number;
}

/** The critic dataset of one agent from its candidates, ordered by problem id (D⁻ and D⁺ interleaved). */
export function mixCriticRows(candidates: CriticCandidates, settings: CriticMixSettings): TrainingRow[] {
  const { corrected, confirmed } = candidates;
  if (settings.mode === 'all') return inProblemOrder([...corrected, ...confirmed]);
  const counts = { corrected: corrected.length, confirmed: confirmed.length };
  const plan =
    settings.mode === 'w'
      ? planCriticMix(counts, settings.correctedShare)
      : { corrected: corrected.length, confirmed: confirmedToKeep(counts, settings.correctedShare) };
  const draw = (rows: TrainingRow[], count: number, side: string) =>
    shuffled(
      rows,
      createRandom(deriveSeed(settings.seed, 'critic-mix', settings.iteration, settings.agent, side)),
    ).slice(0, count);
  return inProblemOrder([
    ...draw(corrected, plan.corrected, 'corrected'),
    ...draw(confirmed, plan.confirmed, 'confirmed'),
  ]);
}

function inProblemOrder(rows: TrainingRow[]): TrainingRow[] {
  return rows.sort((a, b) => compareProblemIds(a.metadata.problemId, b.metadata.problemId));
}
