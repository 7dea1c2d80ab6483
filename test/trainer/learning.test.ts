/**
 * End to end through `train`: on a small memorisable batch the loss falls below half its start within 30
 * steps, in LoRA and in full-parameter mode (llama.cpp's own trainer fails this: its gradients accumulate
 * across steps). The results are GGUF files node-llama-cpp loads, and what it computes with them equals the
 * trainer's forward pass with the trained weights: the adapter's tensors put back into a training session, the
 * full model loaded by the trainer's own loader. Measured: LoRA 6.91 → 1.40, full 6.91 → 0.16. The base has
 * weights of spread 0.1: with GPT-2's 0.02 its frozen output head cannot produce confident logits, and LoRA
 * (which leaves the head alone) cannot memorise anything.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { layoutWindow, type TokenizedExample } from '../../src/trainer/data/pack-windows.js';
import { train } from '../../src/trainer/train.js';
import type { TrainingProgress } from '../../src/trainer/training-plan.js';
import { openTrainingSession } from '../../src/trainer/training-session.js';
import { createRandom } from '../../src/util/random.js';
import { llamaCppLogits, referenceLlama, relativeError } from './llama-cpp-reference.js';

let directory: string;
let modelPath: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-learning-'));
  modelPath = path.join(directory, 'base.gguf');
  await writeGgufFile(
    modelPath,
    createTinyLlamaModel({ architecture: 'qwen2', headCountKv: 2, seed: 11, initStandardDeviation: 0.1 }),
  );
});
afterAll(async () => {
  await (await referenceLlama()).dispose();
  await rm(directory, { recursive: true, force: true });
});

/** Four examples of 6 prompt and 10 completion tokens, random but fixed: one 64-token window. */
const random = createRandom(21);
const examples: TokenizedExample[] = Array.from({ length: 4 }, () => {
  const tokens = Array.from({ length: 16 }, () => 10 + Math.floor(random.next() * 300));
  return { tokens, completion: tokens.map((_, index) => index >= 6) };
});
const probe = examples[0]!.tokens;

async function trainAndCollect(mode: 'lora' | 'full', outputPath: string): Promise<TrainingProgress[]> {
  const progress: TrainingProgress[] = [];
  await train(
    {
      modelPath,
      outputPath,
      mode,
      examples,
      windowLength: 64,
      epochs: 30,
      seed: 4,
      learningRate: mode === 'lora' ? 1e-2 : 3e-3,
      warmupSteps: 2,
      lora: { rank: 8, alpha: 16 },
    },
    (step) => progress.push(step),
  );
  return progress;
}

/** Read an F32 tensor of a GGUF file. */
async function readTensor(filePath: string, name: string): Promise<Float32Array> {
  const info = await readGgufFileInfo(filePath, { logWarnings: false });
  const tensor = info.tensorInfo!.find((candidate) => candidate.name === name)!;
  const count = tensor.dimensions.reduce<number>((product, size) => product * Number(size), 1);
  const file = await open(filePath, 'r');
  try {
    const bytes = Buffer.alloc(count * 4);
    await file.read(bytes, 0, bytes.length, Number(tensor.fileOffset));
    return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  } finally {
    await file.close();
  }
}

describe('training lowers the loss and writes what node-llama-cpp runs', () => {
  it("LoRA: loss halves in 30 steps; the adapter gives node-llama-cpp the trainer's logits", async () => {
    const adapterPath = path.join(directory, 'trained.lora.gguf');
    const progress = await trainAndCollect('lora', adapterPath);
    expect(progress).toHaveLength(30);
    expect(progress.at(-1)!.loss).toBeLessThan(0.5 * progress[0]!.loss);
    expect(progress.every((step) => step.lossTokens === 40)).toBe(true);

    const session = await openTrainingSession({
      modelPath,
      mode: 'lora',
      threads: 1,
      lora: { rank: 8, alpha: 16, seed: 1 },
    });
    try {
      for (const tensor of session.trainable)
        session.writeTrainable(tensor.name, await readTensor(adapterPath, tensor.name));
      const window = layoutWindow({ segments: [{ tokens: probe, completion: probe.map(() => true) }] }, probe.length);
      const vocabularySize = session.model.hyperparameters.vocabularySize;
      const reference = await llamaCppLogits(modelPath, probe, vocabularySize, adapterPath);
      expect(relativeError(session.logits([window]), reference)).toBeLessThan(1e-3);
      expect(relativeError(reference, await llamaCppLogits(modelPath, probe, vocabularySize))).toBeGreaterThan(1e-2);
    } finally {
      session.dispose();
    }
  });

  it('full-parameter: loss halves in 30 steps; the written model keeps its metadata and runs in node-llama-cpp', async () => {
    const outputPath = path.join(directory, 'trained.gguf');
    const progress = await trainAndCollect('full', outputPath);
    expect(progress.at(-1)!.loss).toBeLessThan(0.5 * progress[0]!.loss);

    const [base, trained] = await Promise.all(
      [modelPath, outputPath].map((file) => readGgufFileInfo(file, { logWarnings: false })),
    );
    expect(trained!.metadata.tokenizer.chat_template).toBe(base!.metadata.tokenizer.chat_template);
    expect(trained!.metadata.tokenizer.ggml.tokens).toEqual(base!.metadata.tokenizer.ggml.tokens);
    expect(trained!.architectureMetadata).toEqual(base!.architectureMetadata);

    const session = await openTrainingSession({ modelPath: outputPath, mode: 'full', threads: 1 });
    try {
      const window = layoutWindow({ segments: [{ tokens: probe, completion: probe.map(() => true) }] }, probe.length);
      const vocabularySize = session.model.hyperparameters.vocabularySize;
      const reference = await llamaCppLogits(outputPath, probe, vocabularySize);
      expect(relativeError(session.logits([window]), reference)).toBeLessThan(1e-3);
      expect(relativeError(reference, await llamaCppLogits(modelPath, probe, vocabularySize))).toBeGreaterThan(1e-2);
    } finally {
      session.dispose();
    }
  });
});
