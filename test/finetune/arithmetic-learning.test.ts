/**
 * LoRA on maft's shipped arithmetic base model learns real arithmetic rows: training agent 0's generator adapter
 * on a few hundred rows lowers the completion loss of those rows and leaves held-out rows of the same kind about
 * where they were (it did not overfit), and the adapter file loads in node-llama-cpp, where the model still answers
 * in format. The loss is measured with the trainer's forward pass, which matches llama.cpp's (forward-parity test).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { curriculumExample } from '../../src/tools/base-model/arithmetic-curriculum.js';
import { createLlamaCppEngine } from '../../src/backends/llama-cpp/index.js';
import { gradeResponse } from '../../src/grading/grade-response.js';
import { completionLoss } from '../../src/finetune/completion-loss.js';
import { tokenizeRows } from '../../src/finetune/tokenize-rows.js';
import { planBatches } from '../../src/trainer/data/epoch-batches.js';
import { layoutWindow } from '../../src/trainer/data/pack-windows.js';
import { train } from '../../src/trainer/train.js';
import { openTrainingSession } from '../../src/trainer/training-session.js';
import { testDirectory } from '../run-store/temporary-directory.js';

const baseModel = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models/arithmetic-base.gguf');
const windowLength = 512;

async function rows(seed: number, count: number) {
  const examples = Array.from({ length: count * 3 }, (_, index) => curriculumExample(index, { seed, min: 0, max: 9 }))
    .filter((example) => example.kind === 'answer')
    .slice(0, count);
  return { examples, tokenized: await tokenizeRows(baseModel, examples) };
}

describe('LoRA on the shipped arithmetic base model', () => {
  it('lowers the loss of its rows, not held-out rows by overfitting, and the adapter answers in format in node-llama-cpp', async () => {
    expect(existsSync(baseModel), 'models/arithmetic-base.gguf is shipped with the repository').toBe(true);
    const trainRows = await rows(101, 240);
    const heldOut = await rows(202, 60);
    const session = await openTrainingSession({
      modelPath: baseModel,
      mode: 'lora',
      lora: { rank: 8, alpha: 16, seed: 1 },
      threads: 1,
    });
    try {
      const before = {
        train: completionLoss(session, trainRows.tokenized, windowLength),
        held: completionLoss(session, heldOut.tokenized, windowLength),
      };
      const { batches } = planBatches(trainRows.tokenized, { windowLength, windowsPerStep: 1, epochs: 2, seed: 1 });
      for (const batch of batches)
        session.step(
          batch.windows.map((window) => layoutWindow(window, windowLength)),
          2e-4,
        );
      const after = {
        train: completionLoss(session, trainRows.tokenized, windowLength),
        held: completionLoss(session, heldOut.tokenized, windowLength),
      };
      // Measured (seeded, one thread) on the shipped model (sha256 7b7d4a24…) at lr 2e-4, 2 epochs: train 0.0187 →
      // 0.0132 (−29.6%), held-out 0.0171 → 0.0184 (+7.8%). At the run's lr 1e-3 the same rows raise its held-out
      // loss by a third (+33.8%; +20% after one epoch, 5e-4 the same): this model, less sure of its digits than the
      // previous one (0.0104 held-out before training; +2.7% at 1e-3 there, −1.7% on the one before), overfits 240
      // rows fast (docs/RESULTS.md, "LoRA on the shipped model overfits a few hundred rows"). The bounds tell fitting
      // the rows from overfitting them at a rate where this model does the first.
      expect(after.train, JSON.stringify({ before, after })).toBeLessThan(before.train * 0.9);
      expect(after.held, JSON.stringify({ before, after })).toBeLessThan(before.held * 1.1);
    } finally {
      session.dispose();
    }

    const adapter = path.join(testDirectory('arith-lora'), 'agent-0-generator.gguf');
    await train({
      modelPath: baseModel,
      outputPath: adapter,
      mode: 'lora',
      lora: { rank: 8, alpha: 16 },
      examples: trainRows.tokenized,
      windowLength,
      epochs: 1,
      learningRate: 1e-3,
      threads: 1,
    });
    const engine = await createLlamaCppEngine({ threads: 1, logLevel: 'error' });
    try {
      const model = await engine.chatModel({ model: baseModel, adapter, contextSize: 1024 });
      let parsable = 0;
      for (const [index, example] of heldOut.examples.slice(0, 10).entries()) {
        const response = await model.complete({
          messages: example.prompt,
          temperature: 1,
          topP: 0.9,
          maxTokens: 160,
          seed: index,
        });
        if (gradeResponse(response.text, '0', 'numeric').extracted !== null) parsable++;
      }
      expect(parsable).toBeGreaterThanOrEqual(9);
    } finally {
      await engine.dispose();
    }
  });
});
