/**
 * How LoRA on a base model fits a few hundred arithmetic rows, and what it does to held-out rows of the same kind
 * (the procedure of test/finetune/arithmetic-learning.test.ts, at several learning rates and epoch counts):
 *   npx tsx scripts/lora-rows-probe.ts <model.gguf> '[[1e-3,2],[2e-4,2]]'
 * Prints, per [learning rate, epochs], the mean completion loss of the 240 trained rows and of 60 held-out rows
 * before and after, and the held-out loss half-way. Seeded, one thread: the same numbers on every run.
 */
import { curriculumExample } from '../src/tools/base-model/arithmetic-curriculum.js';
import { completionLoss } from '../src/finetune/completion-loss.js';
import { tokenizeRows } from '../src/finetune/tokenize-rows.js';
import { planBatches } from '../src/trainer/data/epoch-batches.js';
import { layoutWindow } from '../src/trainer/data/pack-windows.js';
import { openTrainingSession } from '../src/trainer/training-session.js';

const [model, settings = '[[1e-3,2]]'] = process.argv.slice(2);
if (model === undefined) {
  process.stderr.write("usage: lora-rows-probe.ts <model.gguf> '[[learningRate,epochs],…]'\n");
  process.exit(2);
}
const windowLength = 512;
const rows = async (seed: number, count: number) =>
  tokenizeRows(
    model,
    Array.from({ length: count * 3 }, (_, index) => curriculumExample(index, { seed, min: 0, max: 9 }))
      .filter((example) => example.kind === 'answer')
      .slice(0, count),
  );
const [trained, held] = [await rows(101, 240), await rows(202, 60)];
const change = (before: number, after: number) =>
  `${before.toFixed(4)} → ${after.toFixed(4)} (${((after / before - 1) * 100).toFixed(1)}%)`;
for (const [learningRate, epochs] of JSON.parse(settings) as [number, number][]) {
  const session = await openTrainingSession({
    modelPath: model,
    mode: 'lora',
    lora: { rank: 8, alpha: 16, seed: 1 },
    threads: 1,
  });
  try {
    const before = [
      completionLoss(session, trained, windowLength),
      completionLoss(session, held, windowLength),
    ] as const;
    const { batches } = planBatches(trained, { windowLength, windowsPerStep: 1, epochs, seed: 1 });
    let half = Number.NaN;
    for (const [index, batch] of batches.entries()) {
      session.step(
        batch.windows.map((window) => layoutWindow(window, windowLength)),
        learningRate,
      );
      if (index + 1 === Math.floor(batches.length / 2)) half = completionLoss(session, held, windowLength);
    }
    const after = [
      completionLoss(session, trained, windowLength),
      completionLoss(session, held, windowLength),
    ] as const;
    process.stdout.write(
      `lr ${learningRate}, ${epochs} epoch(s): trained rows ${change(before[0], after[0])}, held-out ${change(before[1], after[1])}, held-out half-way ${half.toFixed(4)}\n`,
    );
  } finally {
    session.dispose();
  }
}
