/**
 * Analytic gradients against central finite differences, on a tiny model (n_embd 16, 2 blocks, 4 query heads
 * sharing 2 KV heads, windows of 8 tokens, two windows per batch). Every trainable tensor is checked on the
 * coordinates with the largest gradients: all weights in full mode — attn_k and attn_v included, which
 * llama.cpp's own trainer leaves without gradient — and every LoRA A and B. Prompt rows carry no loss: the
 * loss must equal the completion-only cross-entropy recomputed here from the logits, and the finite
 * differences of that loss must match the gradients (a masked row leaking gradient — as a plain cross-entropy
 * with zeroed labels would — fails the check: with the mask multiplication removed from loss.ts the worst
 * errors are 0.37, 0.29 and 0.10 instead of the 7e-4, 1.2e-3 and 2.2e-3 measured with it).
 *
 * The hand-written backward pass (the default) is also compared with ggml's autodiff over whole gradients,
 * on batches long enough to take its per-step transposition path, with an F16 base and tied embeddings:
 * they agree to ~1e-6 relative.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel, randomFloats } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { layoutWindow, type WindowArrays } from '../../src/trainer/data/pack-windows.js';
import { openTrainingSession, type TrainingSession } from '../../src/trainer/training-session.js';
import { createRandom } from '../../src/util/random.js';

let directory: string;
const modelPaths: Record<'llama' | 'qwen2', string> = { llama: '', qwen2: '' };
let f16TiedPath: string;
const tinyShape = {
  embeddingLength: 16,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 32,
  contextLength: 8,
  seed: 7,
  initStandardDeviation: 0.3,
} as const;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-gradients-'));
  f16TiedPath = path.join(directory, 'llama-f16-tied.gguf');
  for (const architecture of ['llama', 'qwen2'] as const) {
    modelPaths[architecture] = path.join(directory, `${architecture}.gguf`);
    await writeGgufFile(modelPaths[architecture], createTinyLlamaModel({ architecture, ...tinyShape }));
  }
  await writeGgufFile(
    f16TiedPath,
    createTinyLlamaModel({ architecture: 'llama', ...tinyShape, weightType: 'F16', tieEmbeddings: true }),
  );
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const T = 8;
/** Two windows: two packed examples, then one example with a prompt run in the middle of its completion. */
const windows: WindowArrays[] = [
  layoutWindow(
    {
      segments: [
        { tokens: [10, 20, 30, 40, 50], completion: [false, false, true, true, true] },
        { tokens: [60, 70, 80], completion: [false, true, true] },
      ],
    },
    T,
  ),
  layoutWindow(
    {
      segments: [
        { tokens: [11, 21, 31, 41, 51, 61, 71, 81], completion: [false, false, false, true, true, false, true, true] },
      ],
    },
    T,
  ),
];

/** Loss by finite differences of one coordinate (central, step h). */
function centralDifference(
  session: TrainingSession,
  name: string,
  values: Float32Array,
  index: number,
  h: number,
): number {
  const shifted = values.slice();
  shifted[index] = (values[index] as number) + h;
  session.writeTrainable(name, shifted);
  const plus = session.lossAndGradients(windows).loss;
  shifted[index] = (values[index] as number) - h;
  session.writeTrainable(name, shifted);
  const minus = session.lossAndGradients(windows).loss;
  session.writeTrainable(name, values);
  return (plus - minus) / (2 * h);
}

/** Worst relative error over the 3 largest-gradient coordinates of every trainable tensor. */
function checkGradients(session: TrainingSession): { worst: number; norms: Map<string, number> } {
  const result = session.lossAndGradients(windows);
  // Gradients live in the graph and change with every run: copy them all before perturbing anything.
  const gradients = new Map(session.trainable.map((tensor) => [tensor.name, result.gradient(tensor.name)]));
  const norms = new Map<string, number>();
  let worst = 0;
  for (const tensor of session.trainable) {
    const gradient = gradients.get(tensor.name)!;
    norms.set(tensor.name, Math.hypot(...gradient));
    const values = session.readTrainable(tensor.name);
    const largest = [...gradient.keys()].sort((a, b) => Math.abs(gradient[b]!) - Math.abs(gradient[a]!)).slice(0, 3);
    for (const index of largest) {
      const numeric = centralDifference(session, tensor.name, values, index, 1e-2);
      const analytic = gradient[index]!;
      worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(Math.abs(numeric), Math.abs(analytic)));
    }
  }
  return { worst, norms };
}

describe('gradients agree with finite differences', () => {
  it.each(['llama', 'qwen2'] as const)(
    'full-parameter mode, %s: every tensor, attn_k and attn_v included',
    async (architecture) => {
      const session = await openTrainingSession({ modelPath: modelPaths[architecture], mode: 'full', threads: 1 });
      try {
        const { worst, norms } = checkGradients(session);
        expect(worst).toBeLessThan(1e-2);
        for (const name of ['blk.0.attn_k.weight', 'blk.0.attn_v.weight', 'blk.1.attn_k.weight', 'token_embd.weight']) {
          expect(norms.get(name)).toBeGreaterThan(1e-3);
        }
        if (architecture === 'qwen2') expect(norms.get('blk.1.attn_k.bias')).toBeGreaterThan(1e-3);
      } finally {
        session.dispose();
      }
    },
  );

  it('LoRA mode: every A and B (B made non-zero so that A has a gradient)', async () => {
    const session = await openTrainingSession({
      modelPath: modelPaths.llama,
      mode: 'lora',
      threads: 1,
      lora: { rank: 2, alpha: 4, seed: 3 },
    });
    try {
      for (const tensor of session.trainable.filter((candidate) => candidate.name.endsWith('.lora_b'))) {
        session.writeTrainable(tensor.name, randomFloats(tensor.name.length, tensor.shape[0]! * tensor.shape[1]!, 0.3));
      }
      const { worst, norms } = checkGradients(session);
      expect(worst).toBeLessThan(1e-2);
      expect(norms.get('blk.0.attn_k.weight.lora_a')).toBeGreaterThan(1e-3);
      expect(norms.get('blk.0.attn_v.weight.lora_b')).toBeGreaterThan(1e-3);
    } finally {
      session.dispose();
    }
  });
});

describe('completion-only loss', () => {
  it('equals the cross-entropy of completion tokens alone, recomputed from the logits', async () => {
    const session = await openTrainingSession({ modelPath: modelPaths.llama, mode: 'full', threads: 1 });
    try {
      const vocabularySize = session.model.hyperparameters.vocabularySize;
      const logits = session.logits(windows);
      let masked = 0;
      let maskedCount = 0;
      let everyRow = 0;
      let everyRowCount = 0;
      windows.forEach((window, w) => {
        for (let row = 0; row < T; row++) {
          const offset = (w * T + row) * vocabularySize;
          const rowLogits = logits.subarray(offset, offset + vocabularySize);
          const max = Math.max(...rowLogits);
          const logSum = max + Math.log(rowLogits.reduce((sum, value) => sum + Math.exp(value - max), 0));
          const target = window.targets[row]!;
          // Every row's next token, as a loss without a prompt mask would count it (padding has none).
          const next = row + 1 < T ? window.tokens[row + 1]! : -1;
          if (target >= 0) {
            masked += logSum - rowLogits[target]!;
            maskedCount++;
          }
          if (next >= 0 && window.positions[row + 1] !== 0) {
            everyRow += logSum - rowLogits[next]!;
            everyRowCount++;
          }
        }
      });
      const { loss, lossTokens } = session.lossAndGradients(windows);
      expect(lossTokens).toBe(maskedCount);
      expect(loss).toBeCloseTo(masked / maskedCount, 4);
      expect(Math.abs(loss - everyRow / everyRowCount)).toBeGreaterThan(1e-3); // the mask matters on this batch
    } finally {
      session.dispose();
    }
  });

  it('treats packed examples as if each were alone', async () => {
    const session = await openTrainingSession({ modelPath: modelPaths.qwen2, mode: 'full', threads: 1 });
    try {
      const vocabularySize = session.model.hyperparameters.vocabularySize;
      const first = { tokens: [10, 20, 30, 40, 50], completion: [false, false, true, true, true] };
      const second = { tokens: [60, 70, 80], completion: [false, true, true] };
      const packed = session.logits([layoutWindow({ segments: [first, second] }, T)]);
      const alone = session.logits([layoutWindow({ segments: [second] }, T)]);
      const packedRows = packed.subarray(5 * vocabularySize, 8 * vocabularySize);
      const aloneRows = alone.subarray(0, 3 * vocabularySize);
      let difference = 0;
      for (let index = 0; index < aloneRows.length; index++)
        difference = Math.max(difference, Math.abs(packedRows[index]! - aloneRows[index]!));
      expect(difference).toBeLessThan(1e-5);
    } finally {
      session.dispose();
    }
  });
});

/** ‖manual − autodiff‖ / ‖autodiff‖ over every trainable tensor (the worst one). */
function compareWithAutodiff(session: TrainingSession, batch: WindowArrays[]): number {
  const manual = session.lossAndGradients(batch, 'manual');
  const manualGradients = session.trainable.map((tensor) => manual.gradient(tensor.name));
  const autodiff = session.lossAndGradients(batch, 'autodiff');
  expect(manual.loss).toBeCloseTo(autodiff.loss, 5);
  let worst = 0;
  session.trainable.forEach((tensor, index) => {
    const expected = autodiff.gradient(tensor.name);
    const actual = manualGradients[index]!;
    let difference = 0;
    let norm = 0;
    for (let element = 0; element < expected.length; element++) {
      difference += (actual[element]! - expected[element]!) ** 2;
      norm += expected[element]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(difference / Math.max(norm, 1e-30)));
  });
  return worst;
}

describe('the hand-written backward pass equals ggml autodiff', () => {
  // 2 windows of 96 tokens: past the batch size where trainable matrices are transposed per step.
  const random = createRandom(8);
  const long = Array.from({ length: 2 }, () => {
    const tokens = Array.from({ length: 96 }, () => 5 + Math.floor(random.next() * 300));
    return layoutWindow({ segments: [{ tokens, completion: tokens.map((_, index) => index % 3 !== 0) }] }, 96);
  });

  it.each([
    ['short', windows],
    ['long', long],
  ] as const)('full-parameter mode, %s batch', async (_, batch) => {
    const session = await openTrainingSession({ modelPath: modelPaths.qwen2, mode: 'full', threads: 1 });
    try {
      expect(compareWithAutodiff(session, [...batch])).toBeLessThan(1e-4);
    } finally {
      session.dispose();
    }
  });

  it('LoRA mode on an F16 base with tied embeddings', async () => {
    const session = await openTrainingSession({
      modelPath: f16TiedPath,
      mode: 'lora',
      threads: 1,
      lora: { rank: 3, alpha: 3, seed: 5 },
    });
    try {
      for (const tensor of session.trainable.filter((candidate) => candidate.name.endsWith('.lora_b'))) {
        session.writeTrainable(tensor.name, randomFloats(tensor.name.length, tensor.shape[0]! * tensor.shape[1]!, 0.3));
      }
      expect(compareWithAutodiff(session, long)).toBeLessThan(1e-4);
    } finally {
      session.dispose();
    }
  });

  it('full-parameter mode with tied embeddings', async () => {
    const session = await openTrainingSession({ modelPath: f16TiedPath, mode: 'full', threads: 1 });
    try {
      expect(compareWithAutodiff(session, long)).toBeLessThan(1e-4);
    } finally {
      session.dispose();
    }
  });
});
