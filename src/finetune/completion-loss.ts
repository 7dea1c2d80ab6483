import { layoutWindow, packExamples, type TokenizedExample } from '../trainer/data/pack-windows.js';
import type { TrainingSession } from '../trainer/training-session.js';

/**
 * Mean negative log-likelihood (nats per token) of the completion tokens of `examples` under the session's
 * current weights: what the loss is on data it is not trained on. Uses the trainer's own forward pass, which
 * matches llama.cpp's inference (see test/trainer/forward-parity.test.ts).
 */
export function completionLoss(
  session: TrainingSession,
  examples: readonly TokenizedExample[],
  windowLength: number,
): number {
  const { windows } = packExamples(examples, windowLength);
  let total = 0;
  let count = 0;
  for (const window of windows) {
    const arrays = layoutWindow(window, windowLength);
    const logits = session.logits([arrays]);
    const vocabulary = logits.length / windowLength;
    for (let row = 0; row < windowLength; row++) {
      const target = arrays.targets[row] ?? -1;
      if (target < 0) continue;
      const offset = row * vocabulary;
      let max = -Infinity;
      for (let index = 0; index < vocabulary; index++) max = Math.max(max, logits[offset + index] ?? -Infinity);
      let sum = 0;
      for (let index = 0; index < vocabulary; index++) sum += Math.exp((logits[offset + index] ?? -Infinity) - max);
      total += max + Math.log(sum) - (logits[offset + target] ?? 0);
      count++;
    }
  }
  return count === 0 ? Number.NaN : total / count;
}
