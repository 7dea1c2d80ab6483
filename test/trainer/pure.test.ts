/**
 * The trainer's pure parts: packing examples into windows (targets only on completion tokens, per-example
 * positions and block-diagonal causal masks), planning the batches of a run, the learning-rate schedule, and
 * reading GGUF metadata back with its types.
 */
import { describe, expect, it } from 'vitest';
import { gguf, type GgufMetadata } from '../../src/gguf/gguf-types.js';
import { layoutGgufFile } from '../../src/gguf/gguf-layout.js';
import { parseGgufMetadata } from '../../src/gguf/read-gguf-metadata.js';
import { planBatches } from '../../src/trainer/data/epoch-batches.js';
import { layoutWindow, packExamples, type TokenizedExample } from '../../src/trainer/data/pack-windows.js';
import { readModelHyperparameters } from '../../src/trainer/model/hyperparameters.js';
import { learningRateAt } from '../../src/trainer/schedule/learning-rate.js';

const example = (length: number, promptLength: number, first = 10): TokenizedExample => ({
  tokens: Array.from({ length }, (_, index) => first + index),
  completion: Array.from({ length }, (_, index) => index >= promptLength),
});

describe('packing', () => {
  it('fills windows first-fit, cuts long examples at the head and drops those whose completion does not fit', () => {
    const result = packExamples(
      [example(5, 2), example(6, 3), example(3, 1), example(12, 8), example(12, 2), example(4, 4)],
      8,
    );
    expect(result.windows.map((window) => window.segments.map((segment) => segment.tokens.length))).toEqual([
      [5, 3],
      [6],
      [8],
    ]);
    expect(result.truncatedExamples).toBe(1);
    expect(result.droppedExamples).toBe(2); // the 10-token completion, and the one with no completion at all
  });

  it('keeps the completion and its last (end-of-turn) token when it cuts a row to the window', () => {
    const { windows } = packExamples([example(12, 8, 100)], 8);
    const kept = windows[0]?.segments[0];
    expect(kept?.tokens).toEqual([104, 105, 106, 107, 108, 109, 110, 111]); // the last token, 111, survives
    expect(kept?.completion).toEqual([false, false, false, false, true, true, true, true]);
  });

  it('lays a window out: targets on completion tokens only, positions per example, no attention across examples', () => {
    const arrays = layoutWindow({ segments: [example(3, 1, 10), example(3, 2, 20)] }, 8, 0);
    expect([...arrays.tokens]).toEqual([10, 11, 12, 20, 21, 22, 0, 0]);
    expect([...arrays.positions]).toEqual([0, 1, 2, 0, 1, 2, 0, 0]);
    // Row t predicts token t+1 of the same example when that token is a completion token.
    expect([...arrays.targets]).toEqual([11, 12, -1, -1, 22, -1, -1, -1]);
    const visible = (query: number): number[] =>
      [...arrays.attentionMask.subarray(query * 8, query * 8 + 8)].flatMap((value, key) => (value === 0 ? [key] : []));
    expect(visible(2)).toEqual([0, 1, 2]);
    expect(visible(4)).toEqual([3, 4]);
    expect(visible(7)).toEqual([7]); // padding sees itself only, so no softmax row is empty
    expect(arrays.attentionMask[4 * 8 + 2]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('plans whole epochs of equal-shaped batches, reshuffled per epoch and reproducible by seed', () => {
    const examples = Array.from({ length: 7 }, (_, index) => example(4, 1, 10 * index));
    const plan = planBatches(examples, { windowLength: 8, windowsPerStep: 3, epochs: 2, seed: 5 });
    expect(plan.batches).toHaveLength(4); // 4 windows per epoch → 2 batches of 3 (the last filled up)
    expect(plan.batches.every((batch) => batch.windows.length === 3)).toBe(true);
    expect(plan.batches[1]!.windows[2]!.segments).toEqual([]);
    const order = (epoch: number): number[] =>
      plan.batches
        .filter((batch) => batch.epoch === epoch)
        .flatMap((batch) => batch.windows.flatMap((window) => window.segments.map((segment) => segment.tokens[0]!)));
    expect(order(1)).not.toEqual(order(2));
    expect(planBatches(examples, { windowLength: 8, windowsPerStep: 3, epochs: 2, seed: 5 })).toEqual(plan);
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, then decays by cosine or linearly to the minimum', () => {
    const schedule = { peak: 1, warmupSteps: 4, minimumRatio: 0.1 } as const;
    expect([0, 1, 2, 3].map((step) => learningRateAt(schedule, step, 14))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRateAt(schedule, 4, 14)).toBeCloseTo(1);
    expect(learningRateAt(schedule, 13, 14)).toBeCloseTo(0.1);
    expect(learningRateAt(schedule, 4 + 4.5, 14)).toBeCloseTo(0.55); // midway through the decay: half the way down
    expect(learningRateAt({ ...schedule, decay: 'linear' }, 9, 14)).toBeCloseTo(0.1 + 0.9 * (4 / 9));
    expect(learningRateAt({ ...schedule, decay: 'constant' }, 13, 14)).toBe(1);
    expect(() => learningRateAt({ peak: 0 }, 0, 1)).toThrow(/learning rate/);
  });
});

describe('GGUF metadata with types', () => {
  it('reads back what the writer wrote, value types included', () => {
    const metadata: GgufMetadata = {
      'general.architecture': gguf.string('llama'),
      'general.alignment': gguf.uint32(32),
      'llama.rope.freq_base': gguf.float32(10000),
      'tokenizer.ggml.tokens': gguf.stringArray(['<unk>', 'a', 'é']),
      'tokenizer.ggml.token_type': gguf.int32Array([2, 1, 1]),
      'tokenizer.ggml.add_bos_token': gguf.bool(true),
      'some.int64': gguf.int64(-5n),
    };
    const { head } = layoutGgufFile({ metadata, tensors: [] });
    const parsed = parseGgufMetadata(head);
    expect(Object.keys(parsed)).toEqual(Object.keys(metadata));
    expect(parsed['llama.rope.freq_base']).toEqual({ type: 'float32', value: 10000 });
    expect(parsed['tokenizer.ggml.token_type']).toEqual({ type: 'array', itemType: 'int32', value: [2, 1, 1] });
    expect(parsed['tokenizer.ggml.tokens']).toEqual({ type: 'array', itemType: 'string', value: ['<unk>', 'a', 'é'] });
    expect(parsed['some.int64']).toEqual({ type: 'int64', value: -5n });
    expect(() => parseGgufMetadata(head.subarray(0, 40))).toThrow(/ends early/);
  });
});

describe('hyperparameters from metadata', () => {
  it('reads llama and qwen2 settings as llama.cpp does, and refuses what the graph does not build', () => {
    const llama = readModelHyperparameters(
      {
        general: { architecture: 'llama' },
        llama: {
          embedding_length: 64,
          block_count: 2,
          feed_forward_length: 128,
          context_length: 512,
          attention: { head_count: 4, head_count_kv: 2, layer_norm_rms_epsilon: 1e-5 },
          rope: { freq_base: 500000 },
        },
      },
      100,
    );
    expect(llama).toMatchObject({
      headSize: 16,
      headCountKv: 2,
      ropeMode: 0,
      ropeFrequencyBase: 500000,
      attentionScale: 0.25,
    });
    const qwen2 = readModelHyperparameters(
      {
        general: { architecture: 'qwen2' },
        qwen2: {
          embedding_length: 64,
          block_count: 2,
          feed_forward_length: 128,
          context_length: 512,
          attention: { head_count: 4, layer_norm_rms_epsilon: 1e-6 },
        },
      },
      100,
    );
    expect(qwen2).toMatchObject({ ropeMode: 2, headCountKv: 4, ropeFrequencyBase: 10000 });
    expect(() => readModelHyperparameters({ general: { architecture: 'gemma' } }, 100)).toThrow(/llama and qwen2/);
    expect(() =>
      readModelHyperparameters(
        {
          general: { architecture: 'llama' },
          llama: {
            embedding_length: 64,
            block_count: 2,
            feed_forward_length: 128,
            context_length: 512,
            attention: { head_count: 4, layer_norm_rms_epsilon: 1e-5 },
            rope: { scaling: { type: 'yarn' } },
          },
        },
        100,
      ),
    ).toThrow(/yarn/);
  });
});
