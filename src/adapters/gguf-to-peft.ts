/**
 * GGUF LoRA → PEFT layout, the pure part: the inverse of peft-to-gguf.ts. Each `<weight>.lora_a` [in, r] /
 * `.lora_b` [r, out] pair becomes `base_model.model.<module>.lora_A.weight` [r, in] / `lora_B.weight` [out, r]
 * (same bytes), B's rows on q/k of llama-family bases put back in HF's rotate-half order. The GGUF alpha and
 * each tensor's rank give PEFT's scale alpha/r; the most common rank is `r`, the others go in `rank_pattern`.
 */
import { MaftError } from '../errors/maft-error.js';
import type { BaseModelInfo, GgufLoraFile } from './gguf-model-files.js';
import { architectureRules, hfModuleOfGgufName, permutationHeads, targetModuleName } from './hf-gguf-names.js';
import type { PeftConfigToWrite } from './peft-config.js';
import { orderKey } from './peft-to-gguf.js';
import { permuteRowsGgufToHf } from './rope-permutation.js';
import type { SafetensorsTensor } from './safetensors.js';

export interface PeftAdapter {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly config: PeftConfigToWrite;
}

export function ggufToPeftAdapter(adapter: GgufLoraFile, base: BaseModelInfo, baseModel: string): PeftAdapter {
  const file = adapter.file;
  const rules = architectureRules(base.architecture, base.file);
  if (adapter.architecture !== base.architecture) {
    throw new MaftError('INPUT_INVALID', `adapter for ${adapter.architecture}, base is ${base.architecture}`, {
      file,
      field: 'general.architecture',
    });
  }
  const targets = [...adapter.tensors.keys()]
    .filter((name) => name.endsWith('.lora_a'))
    .map((name) => name.slice(0, -'.lora_a'.length))
    .sort((left, right) => orderKey(left) - orderKey(right));
  const unpaired = [...adapter.tensors.keys()].find((name) => !targets.includes(name.replace(/\.lora_[ab]$/, '')));
  if (unpaired !== undefined)
    throw new MaftError('INPUT_INVALID', 'a tensor without its lora_a partner (or not a LoRA tensor)', {
      file,
      field: unpaired,
    });
  if (targets.length === 0) throw new MaftError('INPUT_INVALID', 'the adapter holds no lora_a tensor', { file });

  const tensors = new Map<string, SafetensorsTensor>();
  const ranks = new Map<string, number>();
  for (const target of targets) {
    const module = hfModuleOfGgufName(target);
    if (module === undefined)
      throw new MaftError('INPUT_INVALID', `${target} has no Hugging Face counterpart maft knows`, {
        file,
        field: `${target}.lora_a`,
      });
    const a = adapter.tensors.get(`${target}.lora_a`);
    const b = adapter.tensors.get(`${target}.lora_b`);
    if (a === undefined || b === undefined)
      throw new MaftError('INPUT_INVALID', 'lora_b is missing', { file, field: `${target}.lora_b` });
    const [inputSize = 0, rank = 0] = a.shape;
    const [bRank, outputSize = 0] = b.shape;
    const baseShape = base.shapes.get(target);
    if (a.shape.length !== 2 || b.shape.length !== 2 || bRank !== rank) {
      throw new MaftError(
        'INPUT_INVALID',
        `lora_a [${a.shape.join(', ')}] and lora_b [${b.shape.join(', ')}] are not [in, r] and [r, out]`,
        { file, field: target },
      );
    }
    if (baseShape === undefined || baseShape[0] !== inputSize || baseShape[1] !== outputSize) {
      throw new MaftError(
        'INPUT_INVALID',
        `does not fit the base's ${target} ${baseShape === undefined ? '(absent)' : `[${baseShape.join(', ')}]`}: another base model?`,
        { file, field: target },
      );
    }
    const heads = permutationHeads(rules, target, base);
    tensors.set(`base_model.model.${module}.lora_A.weight`, { shape: [rank, inputSize], values: a.values });
    tensors.set(`base_model.model.${module}.lora_B.weight`, {
      shape: [outputSize, rank],
      values: heads > 0 ? permuteRowsGgufToHf(b.values, outputSize, heads) : b.values,
    });
    ranks.set(module, rank);
  }

  const rank = mostCommon([...ranks.values()]);
  const rankPattern = Object.fromEntries([...ranks].filter(([, moduleRank]) => moduleRank !== rank));
  // llama.cpp reads alpha 0 as "scale 1"; PEFT has no such convention, so alpha = r says the same.
  if (adapter.alpha === 0 && Object.keys(rankPattern).length > 0) {
    throw new MaftError(
      'INPUT_INVALID',
      'alpha 0 (scale 1) with several ranks needs per-module alphas, which maft does not write',
      { file, field: 'adapter.lora.alpha' },
    );
  }
  const targetModules = [...new Set([...ranks.keys()].map(targetModuleName))];
  return {
    tensors,
    config: { rank, alpha: adapter.alpha === 0 ? rank : adapter.alpha, targetModules, rankPattern, baseModel },
  };
}

function mostCommon(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((left, right) => right[1] - left[1] || left[0] - right[0])[0]?.[0] ?? 0;
}
