/**
 * PEFT LoRA → GGUF LoRA, the pure part (llama.cpp's convert_lora_to_gguf.py, checked against the base):
 * strip `base_model.model.`, map each HF module to its GGUF weight, keep A [r, in] and B [out, r] as they are
 * (the same bytes are ggml's lora_a [in, r] and lora_b [r, out]), and reorder B's rows on q_proj/k_proj of
 * llama-family bases (see rope-permutation.ts). Everything must fit the base: the weight exists, its input and
 * output sizes match A and B.
 */
import { MaftError } from '../errors/maft-error.js';
import type { LoraWeight } from '../gguf/lora-adapter.js';
import type { BaseModelInfo } from './gguf-model-files.js';
import { architectureRules, ggufNameOfHfModule, permutationHeads } from './hf-gguf-names.js';
import { permuteRowsHfToGguf } from './rope-permutation.js';
import type { SafetensorsTensor } from './safetensors.js';

const tensorNamePattern = /^base_model\.model\.(.+)\.lora_([AB])\.weight$/;

/** LoRA weights in GGUF terms, in a canonical order (by block, then q k v o gate up down, then output). */
export function peftToGgufWeights(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  base: BaseModelInfo,
  file: string,
): LoraWeight[] {
  const rules = architectureRules(base.architecture, base.file);
  const pairs = new Map<string, { a?: SafetensorsTensor; b?: SafetensorsTensor; module: string }>();
  for (const [name, tensor] of tensors) {
    const match = tensorNamePattern.exec(name);
    if (match === null) {
      const why = /lora_embedding_[AB]|embed_tokens/.test(name)
        ? 'token-embedding adapters are not converted (maft does not adapt token_embd)'
        : 'not a LoRA A/B tensor of the form base_model.model.<module>.lora_A.weight';
      throw new MaftError('INPUT_INVALID', why, { file, field: name });
    }
    const [, module = '', which] = match;
    const target = ggufNameOfHfModule(module);
    if (target === undefined)
      throw new MaftError('INPUT_INVALID', `module ${module} has no GGUF counterpart in a ${base.architecture} model`, {
        file,
        field: name,
      });
    const pair = pairs.get(target) ?? { module };
    if (which === 'A') pair.a = tensor;
    else pair.b = tensor;
    pairs.set(target, pair);
  }
  if (pairs.size === 0) throw new MaftError('INPUT_INVALID', 'the adapter holds no LoRA tensors', { file });

  const weights: LoraWeight[] = [];
  for (const [target, { a, b, module }] of pairs) {
    const field = `base_model.model.${module}`;
    if (a === undefined || b === undefined)
      throw new MaftError('INPUT_INVALID', `lora_${a === undefined ? 'A' : 'B'} is missing`, { file, field });
    const baseShape = base.shapes.get(target);
    if (baseShape === undefined) {
      const why =
        target === 'output.weight'
          ? 'the base ties its output head to token_embd (no output.weight), so lm_head cannot be adapted'
          : `the base model has no ${target}: is this adapter for another base?`;
      throw new MaftError('INPUT_INVALID', why, { file, field });
    }
    const [inputSize = 0, outputSize = 0] = baseShape;
    const [rank = 0, aInput] = a.shape;
    const [bOutput, bRank] = b.shape;
    if (a.shape.length !== 2 || b.shape.length !== 2 || bRank !== rank || rank < 1) {
      throw new MaftError(
        'INPUT_INVALID',
        `lora_A [${a.shape.join(', ')}] and lora_B [${b.shape.join(', ')}] are not [r, in] and [out, r]`,
        { file, field },
      );
    }
    if (aInput !== inputSize || bOutput !== outputSize) {
      throw new MaftError(
        'INPUT_INVALID',
        `shapes [${aInput} in, ${bOutput} out] do not fit the base's ${target} [${inputSize} in, ${outputSize} out]: another base model?`,
        { file, field },
      );
    }
    const heads = permutationHeads(rules, target, base);
    weights.push({
      target,
      inputSize,
      outputSize,
      rank,
      a: a.values,
      b: heads > 0 ? permuteRowsHfToGguf(b.values, outputSize, heads) : b.values,
    });
  }
  return weights.sort((left, right) => orderKey(left.target) - orderKey(right.target));
}

const moduleOrder = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'];

/** blk.N.<module>.weight → N·16 + module position; output.weight last. */
export function orderKey(target: string): number {
  const match = /^blk\.(\d+)\.([a-z_]+)\.weight$/.exec(target);
  if (match === null) return Number.MAX_SAFE_INTEGER;
  return Number(match[1]) * 16 + moduleOrder.indexOf(match[2] as string);
}
