/**
 * Engine test of adapter conversion: a PEFT adapter with known weights, converted to GGUF and attached to a tiny
 * base by node-llama-cpp (1 thread), gives the logits of a model whose weights were merged independently in
 * Hugging Face's row order (W_gguf + permute(scale·B·A)); an adapter converted without the q/k permutation
 * would not (checked too, so the test can fail). Then GGUF → PEFT → GGUF returns the same numbers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertPeftToGguf, exportGgufToPeft } from '../../src/adapters/convert-adapter.js';
import { readGgufLoraFile } from '../../src/adapters/gguf-model-files.js';
import { parseSafetensors } from '../../src/adapters/safetensors.js';
import { describeLoraAdapter } from '../../src/gguf/lora-adapter.js';
import { createTinyLlamaModel, type TinyModelOptions } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { knownLoraModules, writePeftAdapter, type KnownLoraModule } from '../helpers/peft-adapter.js';
import { tinyAdapter } from '../helpers/tiny-adapter.js';
import { llamaCppLogits, relativeError } from '../trainer/llama-cpp-reference.js';

const alpha = 8;
const tokens = [1, 12, 40, 77, 9, 120, 33, 58, 5, 101];
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-adapter-conversion-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** numpy's reshape(heads, 2, d/2, cols).swapaxes(1, 2).reshape(rows, cols), written out for this test alone. */
function llamaPermute(values: Float32Array, rows: number, heads: number): Float32Array {
  const columns = values.length / rows;
  const half = rows / heads / 2;
  const out = new Float32Array(values.length);
  let target = 0;
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const source = (head * 2 + j) * half + i; // index [head][j][i] of shape (heads, 2, half)
        out.set(values.subarray(source * columns, (source + 1) * columns), target++ * columns);
      }
    }
  }
  return out;
}

/** ΔW in HF order, [out × in] row-major: (alpha / r)·B·A. */
function delta(module: KnownLoraModule): Float32Array {
  const { inputSize, outputSize, rank, a, b } = module;
  const out = new Float32Array(outputSize * inputSize);
  for (let row = 0; row < outputSize; row++) {
    for (let k = 0; k < rank; k++) {
      const factor = (alpha / rank) * (b[row * rank + k] as number);
      for (let column = 0; column < inputSize; column++)
        out[row * inputSize + column] =
          (out[row * inputSize + column] as number) + factor * (a[k * inputSize + column] as number);
    }
  }
  return out;
}

const ggufName = (module: string): string =>
  module
    .replace(/^model\.layers\.(\d+)\./, 'blk.$1.')
    .replace('self_attn.q_proj', 'attn_q')
    .replace('self_attn.k_proj', 'attn_k')
    .replace('self_attn.v_proj', 'attn_v')
    .replace('self_attn.o_proj', 'attn_output')
    .replace('mlp.down_proj', 'ffn_down') + '.weight';

describe.each([
  { architecture: 'llama', permutes: true },
  { architecture: 'qwen2', permutes: false },
] as const)('PEFT → GGUF LoRA on a tiny $architecture base', ({ architecture, permutes }) => {
  const options: TinyModelOptions = { architecture, seed: 7, headCount: 4, headCountKv: 2 };
  const heads: Record<string, number> = { attn_q: 4, attn_k: 2 };
  const modules = knownLoraModules(32);
  let basePath: string;
  let peftDirectory: string;
  let adapterPath: string;
  let vocabularySize: number;

  beforeAll(async () => {
    const base = createTinyLlamaModel(options);
    vocabularySize = base.vocabulary.tokens.length;
    basePath = path.join(directory, `${architecture}-base.gguf`);
    await writeGgufFile(basePath, base);
    peftDirectory = path.join(directory, `${architecture}-peft`);
    await writePeftAdapter(peftDirectory, modules, alpha);
    adapterPath = path.join(directory, `${architecture}-adapter.gguf`);
  });

  it("converts, and base + adapter in llama.cpp gives the merged model's logits", async () => {
    const summary = await convertPeftToGguf({ peftDirectory, basePath, outPath: adapterPath });
    expect(summary).toMatchObject({ architecture, alpha, weights: 10, permuted: permutes ? 4 : 0 });

    // The merged model: W (GGUF order) + ΔW with rows moved as llama.cpp moves the base's q/k rows.
    const byTarget = new Map(modules.map((module) => [ggufName(module.module), module]));
    const base = createTinyLlamaModel(options);
    const merged = {
      ...base,
      tensors: await Promise.all(
        base.tensors.map(async (tensor) => {
          const module = byTarget.get(tensor.name);
          if (module === undefined) return tensor;
          const weights = (typeof tensor.data === 'function' ? await tensor.data() : tensor.data) as Float32Array;
          const kind = /blk\.\d+\.(\w+)\.weight/.exec(tensor.name)?.[1] ?? '';
          const update =
            permutes && heads[kind] !== undefined
              ? llamaPermute(delta(module), module.outputSize, heads[kind] as number)
              : delta(module);
          return { ...tensor, data: weights.map((value, index) => value + (update[index] as number)) };
        }),
      ),
    };
    const mergedPath = path.join(directory, `${architecture}-merged.gguf`);
    await writeGgufFile(mergedPath, merged);

    const expected = await llamaCppLogits(mergedPath, tokens, vocabularySize);
    const actual = await llamaCppLogits(basePath, tokens, vocabularySize, adapterPath);
    const plain = await llamaCppLogits(basePath, tokens, vocabularySize);
    expect(relativeError(actual, expected)).toBeLessThan(1e-4);
    expect(relativeError(plain, expected)).toBeGreaterThan(1e-2); // the adapter does move the logits

    if (permutes) {
      // The same A/B written without the q/k permutation: what a converter that forgot it would produce.
      const unpermutedPath = path.join(directory, `${architecture}-unpermuted.gguf`);
      await writeGgufFile(
        unpermutedPath,
        describeLoraAdapter({
          architecture,
          alpha,
          weights: modules.map((module) => ({
            target: ggufName(module.module),
            inputSize: module.inputSize,
            outputSize: module.outputSize,
            rank: module.rank,
            a: module.a,
            b: module.b,
          })),
        }),
      );
      const wrong = await llamaCppLogits(basePath, tokens, vocabularySize, unpermutedPath);
      expect(relativeError(wrong, expected)).toBeGreaterThan(1e-2);
    }
  });

  it('round-trips GGUF → PEFT → GGUF to the same numbers', async () => {
    const exported = path.join(directory, `${architecture}-exported`);
    const summary = await exportGgufToPeft({ adapterPath, basePath, outDirectory: exported, baseModel: 'org/tiny' });
    expect(summary).toMatchObject({ weights: 10, alpha });
    const back = parseSafetensors(await readFile(path.join(exported, 'adapter_model.safetensors')), 'exported');
    for (const module of modules) {
      expect(back.tensors.get(`base_model.model.${module.module}.lora_A.weight`)).toEqual({
        shape: [module.rank, module.inputSize],
        values: module.a,
      });
      expect(back.tensors.get(`base_model.model.${module.module}.lora_B.weight`)).toEqual({
        shape: [module.outputSize, module.rank],
        values: module.b,
      });
    }
    const config = JSON.parse(await readFile(path.join(exported, 'adapter_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      peft_type: 'LORA',
      r: 4,
      lora_alpha: alpha,
      base_model_name_or_path: 'org/tiny',
      use_rslora: false,
      rank_pattern: { 'model.layers.1.self_attn.q_proj': 2 },
    });
    expect([...(config['target_modules'] as string[])].sort()).toEqual([
      'down_proj',
      'k_proj',
      'o_proj',
      'q_proj',
      'v_proj',
    ]);

    const again = path.join(directory, `${architecture}-again.gguf`);
    await convertPeftToGguf({ peftDirectory: exported, basePath, outPath: again });
    const [first, second] = await Promise.all([readGgufLoraFile(adapterPath), readGgufLoraFile(again)]);
    expect(second.alpha).toBe(first.alpha);
    expect(second.tensors).toEqual(first.tensors);
  });
});

it("round-trips an adapter in maft's own GGUF layout through PEFT", async () => {
  const basePath = path.join(directory, 'default-base.gguf');
  await writeGgufFile(basePath, createTinyLlamaModel());
  const adapterPath = path.join(directory, 'maft-adapter.gguf');
  await writeGgufFile(adapterPath, tinyAdapter());
  const exported = path.join(directory, 'maft-exported');
  await exportGgufToPeft({ adapterPath, basePath, outDirectory: exported });
  const again = path.join(directory, 'maft-again.gguf');
  await convertPeftToGguf({ peftDirectory: exported, basePath, outPath: again });
  const [first, second] = await Promise.all([readGgufLoraFile(adapterPath), readGgufLoraFile(again)]);
  expect(second.tensors).toEqual(first.tensors);
  expect(second.alpha).toBe(first.alpha);
});

it('writes F16 adapters on request, equal to the F32 ones to half precision', async () => {
  const basePath = path.join(directory, 'f16-base.gguf');
  await writeGgufFile(basePath, createTinyLlamaModel({ headCountKv: 2 }));
  const peftDirectory = path.join(directory, 'f16-peft');
  await writePeftAdapter(peftDirectory, knownLoraModules(32), alpha);
  const [f32, f16] = [path.join(directory, 'a32.gguf'), path.join(directory, 'a16.gguf')];
  await convertPeftToGguf({ peftDirectory, basePath, outPath: f32 });
  await convertPeftToGguf({ peftDirectory, basePath, outPath: f16, type: 'F16' });
  const [full, half] = await Promise.all([readGgufLoraFile(f32), readGgufLoraFile(f16)]);
  expect([...half.tensors.keys()]).toEqual([...full.tensors.keys()]);
  for (const [name, tensor] of full.tensors) {
    const values = half.tensors.get(name)?.values ?? new Float32Array();
    expect(values.length).toBe(tensor.values.length);
    tensor.values.forEach((value, index) =>
      expect(Math.abs((values[index] as number) - value)).toBeLessThanOrEqual(Math.abs(value) / 1024 + 1e-7),
    );
  }
});
