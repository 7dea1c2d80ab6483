import { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';
import type { Problem, SplitName } from '../spec/problem.js';
import { createRandom, deriveSeed } from '../util/random.js';

/**
 * Seeded, disjoint finetune/eval splits. Every problem gets a key in [0, 1) from (seed, id) alone; finetune
 * takes the `finetuneCount` lowest keys (ascending), eval the `evalCount` highest (descending). Because a
 * problem's key ignores every other problem:
 * - the input order does not matter, and ids are all that must be stable;
 * - the eval split does not depend on finetuneCount (nor finetune on evalCount), and the first k problems of
 *   a split are that split for count k, so `--limit k` and a smaller count agree;
 * - adding problems to the pool can push a problem out of its split, never across into the other one: a
 *   problem finetuned on in one run is never evaluated on in a run over a larger pool with the same counts.
 * (The paper's released code evaluates on its training problems; docs/method.md calls that a bug to avoid.)
 */
export const splitOptionsSchema = z.strictObject({
  /** Split seed. Default 0. */
  seed: z.int().default(0),
  /** Problems to finetune on. Default 500 (the paper's setting for every task). */
  finetuneCount: z.int().min(0).default(500),
  /** Held-out problems to evaluate on. Default 500 (the paper's setting). */
  evalCount: z.int().min(0).default(500),
});

export type SplitOptions = z.output<typeof splitOptionsSchema>;

export interface Splits {
  finetune: Problem[];
  eval: Problem[];
}

/** A problem's position in the split order: uniform in [0, 1), from the seed and its id only. */
export function splitKey(seed: number, id: string): number {
  // deriveSeed is FNV-1a, which mixes the last characters of similar ids poorly; mulberry32 finishes the job.
  return createRandom(deriveSeed(seed, 'split', id)).next();
}

/**
 * The two splits of `problems` (ids unique). More problems asked for than the pool holds is
 * NOT_ENOUGH_PROBLEMS stating the count; `source` (e.g. the task name) makes that message specific.
 */
export function splitProblems(problems: readonly Problem[], options: SplitOptions, source = 'the task'): Splits {
  const { seed, finetuneCount, evalCount } = options;
  const needed = finetuneCount + evalCount;
  if (problems.length < needed) {
    throw new MaftError(
      'NOT_ENOUGH_PROBLEMS',
      `${source} has ${problems.length} problems; finetune ${finetuneCount} + eval ${evalCount} needs ${needed}`,
    );
  }
  const keyed = problems.map((problem) => ({ problem, key: splitKey(seed, problem.id) }));
  // Ties (32-bit keys do collide in large pools) are broken by id so the order stays total.
  keyed.sort((left, right) =>
    left.key !== right.key ? left.key - right.key : left.problem.id < right.problem.id ? -1 : 1,
  );
  const ordered = keyed.map((item) => item.problem);
  return {
    finetune: ordered.slice(0, finetuneCount),
    eval: ordered.slice(ordered.length - evalCount).reverse(),
  };
}

/** One split of `problems` (the other one is still checked to fit, so the two stay disjoint). */
export function selectSplit(
  problems: readonly Problem[],
  split: SplitName,
  options: SplitOptions,
  source?: string,
): Problem[] {
  const splits = splitProblems(problems, options, source);
  return split === 'finetune' ? splits.finetune : splits.eval;
}
