/**
 * What a GGUF LoRA adapter cannot express is refused with one line naming the file and field, through the
 * real CLI, and nothing is written.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../src/adapters/safetensors.js';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { knownLoraModules, writePeftAdapter } from '../helpers/peft-adapter.js';
import { runInProcess } from '../helpers/run-in-process.js';

let directory: string;
let basePath: string;
let tiedBasePath: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-adapter-refusals-'));
  basePath = path.join(directory, 'base.gguf');
  await writeGgufFile(basePath, createTinyLlamaModel({ headCountKv: 2 }));
  tiedBasePath = path.join(directory, 'tied.gguf');
  await writeGgufFile(tiedBasePath, createTinyLlamaModel({ tieEmbeddings: true, embeddingLength: 32 }));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function convert(
  name: string,
  extraConfig: Record<string, unknown>,
  base = basePath,
): Promise<{ status: number | null; stderr: string; out: string }> {
  const peft = path.join(directory, name);
  await writePeftAdapter(peft, knownLoraModules(32), 8, extraConfig);
  const out = path.join(directory, `${name}.gguf`);
  const result = await runInProcess(['adapter', 'convert', peft, '--base', base, '--out', out]);
  return { ...result, out };
}

describe('maft adapter convert refuses what a GGUF adapter cannot express', () => {
  it.each([
    ['rslora', { use_rslora: true }, /adapter_config\.json: use_rslora: rsLoRA scales by alpha\/√r/],
    ['dora', { use_dora: true }, /use_dora: DoRA/],
    ['alpha-pattern', { alpha_pattern: { q_proj: 32 } }, /alpha_pattern\.q_proj: alpha 32 differs/],
    ['saved-modules', { modules_to_save: ['lm_head'] }, /modules_to_save: fully trained modules \(lm_head\)/],
    ['ia3', { peft_type: 'IA3' }, /peft_type: IA3 adapters cannot/],
  ])('%s', async (name, extraConfig, message) => {
    const result = await convert(name, extraConfig);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(result.out)).toBe(false);
  });

  it('an adapter for another base (shapes differ)', async () => {
    const result = await convert('other-base', {}, tiedBasePath);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /q_proj: shapes \[64 in, 64 out\] do not fit the base's blk\.0\.attn_q\.weight \[32 in, 32 out\]: another base model\?/,
    );
  });

  it('a module without a GGUF counterpart, and lm_head on a base with tied embeddings', async () => {
    const peft = path.join(directory, 'odd-module');
    await writePeftAdapter(peft, knownLoraModules(32), 8);
    const tensors = new Map([
      [
        'base_model.model.model.layers.0.self_attn.qkv_proj.lora_A.weight',
        { shape: [1, 2], values: new Float32Array(2) },
      ],
      [
        'base_model.model.model.layers.0.self_attn.qkv_proj.lora_B.weight',
        { shape: [2, 1], values: new Float32Array(2) },
      ],
    ]);
    await writeFile(path.join(peft, 'adapter_model.safetensors'), encodeSafetensors(tensors));
    const odd = await runInProcess([
      'adapter',
      'convert',
      peft,
      '--base',
      basePath,
      '--out',
      path.join(directory, 'odd.gguf'),
    ]);
    expect(odd.stderr).toMatch(
      /qkv_proj\.lora_A\.weight: module model\.layers\.0\.self_attn\.qkv_proj has no GGUF counterpart in a llama model/,
    );

    const lmHead = new Map([
      ['base_model.model.lm_head.lora_A.weight', { shape: [1, 32], values: new Float32Array(32) }],
      ['base_model.model.lm_head.lora_B.weight', { shape: [300, 1], values: new Float32Array(300) }],
    ]);
    await writeFile(path.join(peft, 'adapter_model.safetensors'), encodeSafetensors(lmHead));
    const tied = await runInProcess([
      'adapter',
      'convert',
      peft,
      '--base',
      tiedBasePath,
      '--out',
      path.join(directory, 'tied-head.gguf'),
    ]);
    expect(tied.stderr).toMatch(/lm_head: the base ties its output head/);
  });

  it('a missing directory, and export into a non-empty directory', async () => {
    const missing = await runInProcess([
      'adapter',
      'convert',
      path.join(directory, 'nothing'),
      '--base',
      basePath,
      '--out',
      path.join(directory, 'x.gguf'),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nothing\/adapter_config\.json: no such file/);
    const full = await runInProcess(['adapter', 'export', basePath, '--base', basePath, '--out', directory]);
    expect(full.stderr).toMatch(/output directory exists and is not empty/);
  });
});
