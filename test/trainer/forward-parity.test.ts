/**
 * The trainer's forward graph computes what llama.cpp computes at inference: logits of tiny llama and qwen2
 * models (grouped-query attention, qwen2's biases and NEOX RoPE, tied embeddings) over a 200-token sequence
 * agree with node-llama-cpp's to 1e-3 relative (measured ~1e-6 with F32 weights), with and without a LoRA
 * adapter that the trainer wrote and node-llama-cpp loaded. Random weights with a large spread make attention
 * far from uniform.
 *
 * F16 weights agree only to ~2e-3 (measured 1.2e-3 to 2.9e-3, from the first token on): both sides multiply
 * in F16 with F32 accumulation, but llama.cpp's results differ at F16 rounding level for a reason not found
 * yet; that case has its own, looser bound.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel, randomFloats, type TinyModelOptions } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { layoutWindow } from '../../src/trainer/data/pack-windows.js';
import { writeLoraAdapter } from '../../src/trainer/export/write-adapter.js';
import { loadGgml } from '../../src/trainer/ggml/bindings.js';
import { openTrainingSession } from '../../src/trainer/training-session.js';
import { llamaCppLogits, referenceLlama, relativeError } from './llama-cpp-reference.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-parity-'));
});
afterAll(async () => {
  await (await referenceLlama()).dispose();
  await rm(directory, { recursive: true, force: true });
});

const sequence = Array.from({ length: 200 }, (_, index) => 5 + ((index * 37 + 11) % 400));

const cases: [string, TinyModelOptions, number][] = [
  ['llama, grouped-query attention', { architecture: 'llama', headCountKv: 2 }, 1e-3],
  ['qwen2, grouped-query attention, biases', { architecture: 'qwen2', headCountKv: 1 }, 1e-3],
  ['llama, tied embeddings', { architecture: 'llama', tieEmbeddings: true }, 1e-3],
  ['qwen2, F16 weights', { architecture: 'qwen2', headCountKv: 2, weightType: 'F16' }, 1e-2],
];

describe.each(cases)('forward parity with llama.cpp: %s', (name, options, tolerance) => {
  it('matches node-llama-cpp logits, and with a LoRA adapter too', async () => {
    const modelPath = path.join(directory, `${name.replace(/\W+/g, '-')}.gguf`);
    await writeGgufFile(modelPath, createTinyLlamaModel({ ...options, seed: 5, initStandardDeviation: 0.2 }));
    const session = await openTrainingSession({
      modelPath,
      mode: 'lora',
      threads: 1,
      lora: { rank: 4, alpha: 8, seed: 2 },
    });
    try {
      const vocabularySize = session.model.hyperparameters.vocabularySize;
      const window = layoutWindow(
        { segments: [{ tokens: sequence, completion: sequence.map(() => true) }] },
        sequence.length,
      );
      // B starts at zero: the adapter changes nothing yet, and the logits are the base model's.
      const base = session.logits([window]);
      const reference = await llamaCppLogits(modelPath, sequence, vocabularySize);
      expect(relativeError(base, reference)).toBeLessThan(tolerance);

      // A non-zero B, written out as an adapter that node-llama-cpp attaches.
      for (const tensor of session.trainable.filter((candidate) => candidate.name.endsWith('.lora_b'))) {
        session.writeTrainable(tensor.name, randomFloats(tensor.name.length, tensor.shape[0]! * tensor.shape[1]!, 0.2));
      }
      const adapted = session.logits([window]);
      expect(relativeError(adapted, base)).toBeGreaterThan(1e-2); // the adapter does change the model
      const adapterPath = path.join(directory, `${name.replace(/\W+/g, '-')}.lora.gguf`);
      await writeLoraAdapter(loadGgml(), adapterPath, session.model.hyperparameters, session.lora!);
      const adaptedReference = await llamaCppLogits(modelPath, sequence, vocabularySize, adapterPath);
      expect(relativeError(adapted, adaptedReference)).toBeLessThan(tolerance);
    } finally {
      session.dispose();
    }
  });
});

describe('forward parity with llama.cpp: the shipped arithmetic base model', () => {
  it('matches node-llama-cpp logits on a few hundred tokens of a real debate prompt, with and without an adapter', async () => {
    const { fileURLToPath } = await import('node:url');
    const { tokenizeRows } = await import('../../src/finetune/tokenize-rows.js');
    const { curriculumExample } = await import('../../src/tools/base-model/arithmetic-curriculum.js');
    const modelPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models/arithmetic-base.gguf');
    const example = Array.from({ length: 20 }, (_, index) =>
      curriculumExample(index, { seed: 3, min: 0, max: 29 }),
    ).find((item) => item.kind === 'update-after-summary')!;
    const [row] = await tokenizeRows(modelPath, [example]);
    const tokens = row!.tokens.slice(0, 300);
    expect(tokens.length).toBeGreaterThan(200);
    const session = await openTrainingSession({
      modelPath,
      mode: 'lora',
      threads: 1,
      lora: { rank: 4, alpha: 8, seed: 2 },
    });
    try {
      const vocabularySize = session.model.hyperparameters.vocabularySize;
      const window = layoutWindow({ segments: [{ tokens, completion: tokens.map(() => true) }] }, tokens.length);
      expect(
        relativeError(session.logits([window]), await llamaCppLogits(modelPath, tokens, vocabularySize)),
      ).toBeLessThan(1e-3);
      for (const tensor of session.trainable.filter((candidate) => candidate.name.endsWith('.lora_b'))) {
        session.writeTrainable(
          tensor.name,
          randomFloats(tensor.name.length, tensor.shape[0]! * tensor.shape[1]!, 0.05),
        );
      }
      const adapterPath = path.join(directory, 'shipped.lora.gguf');
      await writeLoraAdapter(loadGgml(), adapterPath, session.model.hyperparameters, session.lora!);
      expect(
        relativeError(session.logits([window]), await llamaCppLogits(modelPath, tokens, vocabularySize, adapterPath)),
      ).toBeLessThan(1e-3);
    } finally {
      session.dispose();
    }
  });
});
