/**
 * A step is computed at the length its windows use (`trimPadding`, the default), not at the planned window
 * length: the padding after a window's last example attends only to itself and carries no loss, so it changes
 * nothing the step computes. Trained both ways on the same plan (examples of mixed lengths, windows about
 * two-thirds full, two windows per step, three epochs, LoRA and full-parameter), every step's loss and gradient
 * norm must be the same to float rounding, and the trimmed run must really have computed less.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import type { TokenizedExample } from '../../src/trainer/data/pack-windows.js';
import { stepLength } from '../../src/trainer/data/step-length.js';
import { train } from '../../src/trainer/train.js';
import type { TrainingProgress } from '../../src/trainer/training-plan.js';
import { createRandom } from '../../src/util/random.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('trimmed-steps');
const modelPath = path.join(directory, 'base.gguf');

beforeAll(async () => {
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 5, initStandardDeviation: 0.1, contextLength: 512 }));
});

const example = (length: number, prompt: number, random: ReturnType<typeof createRandom>): TokenizedExample => {
  const tokens = Array.from({ length }, () => 10 + Math.floor(random.next() * 300));
  return { tokens, completion: tokens.map((_, index) => index >= prompt) };
};

describe('stepLength', () => {
  const window = (...lengths: number[]) => ({
    segments: lengths.map((length) => ({
      tokens: new Array<number>(length).fill(1),
      completion: new Array<boolean>(length).fill(true),
    })),
  });
  it("is the step's longest used length rounded up to the granularity, within [granularity, window length]", () => {
    expect(stepLength([window(100, 30)], 256)).toBe(192);
    expect(stepLength([window(10), window(130)], 256)).toBe(192);
    expect(stepLength([window(128)], 256)).toBe(128);
    expect(stepLength([window(250)], 256)).toBe(256);
    expect(stepLength([window(3)], 256)).toBe(64);
    expect(stepLength([window(), window()], 256)).toBe(64); // an epoch's filler windows
    expect(stepLength([window(100)], 96, 64)).toBe(96); // never past the window
  });
});

describe('training at the used length', () => {
  const random = createRandom(8);
  // Long rows (over half a window: one per window, like a critic's debate rows) and short ones (packed beside them).
  const examples = [
    ...Array.from({ length: 6 }, () => example(260 + Math.floor(random.next() * 40), 200, random)),
    ...Array.from({ length: 5 }, () => example(20 + Math.floor(random.next() * 20), 8, random)),
  ];
  const trainBoth = async (mode: 'lora' | 'full') => {
    const runs = [];
    for (const trimPadding of [true, false]) {
      const progress: TrainingProgress[] = [];
      const outputPath = path.join(directory, `${mode}-${trimPadding ? 'trimmed' : 'full-window'}.gguf`);
      const result = await train(
        {
          modelPath,
          outputPath,
          mode,
          examples,
          windowLength: 512,
          windowsPerStep: 2,
          epochs: 3,
          seed: 3,
          learningRate: mode === 'lora' ? 1e-2 : 1e-3,
          trimPadding,
        },
        (step) => progress.push(step),
      );
      runs.push({ result, progress });
    }
    return runs;
  };

  it.each(['lora', 'full'] as const)(
    '%s: every step the same loss and gradient norm, to float rounding',
    async (mode) => {
      const [trimmed, fullWindow] = await trainBoth(mode);
      expect(fullWindow!.result.computedShare).toBe(1);
      expect(trimmed!.result.computedShare).toBeLessThan(0.75); // the padding was really left out
      expect(trimmed!.progress.map(({ lossTokens }) => lossTokens)).toEqual(
        fullWindow!.progress.map(({ lossTokens }) => lossTokens),
      );
      expect(trimmed!.progress.length).toBeGreaterThan(5);
      // Not byte for byte: a sum over the window's positions rounds differently at another length (measured: the 6th–7th
      // significant digit). Anything that changed what a step computes would move the losses far more.
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.abs(b);
      for (const [index, step] of trimmed!.progress.entries()) {
        const reference = fullWindow!.progress[index]!;
        expect(close(step.loss, reference.loss), `step ${index + 1} loss ${step.loss} vs ${reference.loss}`).toBe(true);
        expect(close(step.gradientNorm, reference.gradientNorm), `step ${index + 1} gradient norm`).toBe(true);
      }
      expect(close(trimmed!.result.finalLoss, fullWindow!.result.finalLoss)).toBe(true);
    },
  );
});
