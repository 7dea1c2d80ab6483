/**
 * The batches of a whole run, planned before the first step (pure): each epoch shuffles the examples with a
 * seed of its own, packs them into windows, and groups the windows into batches of `windowsPerStep`. The last
 * batch of an epoch is filled up with empty windows (padding only, no loss), so every step has the same
 * shape and reuses one graph. Planning everything first gives the exact step count the learning-rate
 * schedule needs.
 */
import { createRandom, deriveSeed, shuffled } from '../../util/random.js';
import { packExamples, type PackedWindow, type TokenizedExample } from './pack-windows.js';

export interface PlannedBatch {
  /** 1-based. */
  readonly epoch: number;
  readonly windows: readonly PackedWindow[];
}

export interface BatchPlan {
  readonly batches: readonly PlannedBatch[];
  /** Counted in the first epoch (every epoch truncates and drops the same examples). */
  readonly truncatedExamples: number;
  readonly droppedExamples: number;
}

export function planBatches(
  examples: readonly TokenizedExample[],
  options: {
    readonly windowLength: number;
    readonly windowsPerStep: number;
    readonly epochs: number;
    readonly seed: number;
    readonly shuffle?: boolean;
  },
): BatchPlan {
  const batches: PlannedBatch[] = [];
  let truncatedExamples = 0;
  let droppedExamples = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order =
      options.shuffle === false ? examples : shuffled(examples, createRandom(deriveSeed(options.seed, 'epoch', epoch)));
    const packed = packExamples(order, options.windowLength);
    if (epoch === 1) ({ truncatedExamples, droppedExamples } = packed);
    for (let start = 0; start < packed.windows.length; start += options.windowsPerStep) {
      const windows = packed.windows.slice(start, start + options.windowsPerStep);
      while (windows.length < options.windowsPerStep) windows.push({ segments: [] });
      batches.push({ epoch, windows });
    }
  }
  return { batches, truncatedExamples, droppedExamples };
}
