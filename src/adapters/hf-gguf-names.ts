/**
 * Which Hugging Face module of a decoder block is which GGUF tensor, for the architectures maft converts
 * adapters of (the names llama.cpp's convert_hf_to_gguf.py / gguf-py tensor_mapping give them). A PEFT
 * tensor `base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight` adapts the HF module
 * `model.layers.3.self_attn.q_proj`, which is GGUF's `blk.3.attn_q.weight`.
 */
import { MaftError } from '../errors/maft-error.js';

/** HF module suffix inside a block → GGUF tensor name inside a block. */
const blockModules: Readonly<Record<string, string>> = {
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};
const ggufToHf = new Map(Object.entries(blockModules).map(([hf, ggufName]) => [ggufName, hf]));

/**
 * GGUF architectures whose HF layout maft knows. `permutesQk`: llama.cpp's converter reorders the rows of
 * q_proj/k_proj (HF's rotate-half RoPE → GGUF's interleaved pairs) for `llama` (LlamaModel.permute), so a
 * LoRA B on those modules needs the same reordering; Qwen2/Qwen3 use NEOX RoPE in llama.cpp and keep HF's order.
 */
export const supportedArchitectures: Readonly<Record<string, { readonly permutesQk: boolean }>> = {
  llama: { permutesQk: true },
  qwen2: { permutesQk: false },
  qwen3: { permutesQk: false },
};

export function architectureRules(architecture: string, file: string): { readonly permutesQk: boolean } {
  const rules = supportedArchitectures[architecture];
  if (rules === undefined) {
    throw new MaftError(
      'INPUT_INVALID',
      `base architecture ${architecture} is not one maft converts adapters for (known: ${Object.keys(supportedArchitectures).join(', ')})`,
      { file, field: 'general.architecture' },
    );
  }
  return rules;
}

/** An HF module path (after `base_model.model.`) → its GGUF weight name, or undefined when it has none. */
export function ggufNameOfHfModule(module: string): string | undefined {
  if (module === 'lm_head') return 'output.weight';
  const match = /^model\.layers\.(\d+)\.(.+)$/.exec(module);
  if (match === null) return undefined;
  const ggufName = blockModules[match[2] as string];
  return ggufName === undefined ? undefined : `blk.${match[1]}.${ggufName}.weight`;
}

/** A GGUF weight name → its HF module path, or undefined when it has none. */
export function hfModuleOfGgufName(name: string): string | undefined {
  if (name === 'output.weight') return 'lm_head';
  const match = /^blk\.(\d+)\.([a-z_]+)\.weight$/.exec(name);
  if (match === null) return undefined;
  const hf = ggufToHf.get(match[2] as string);
  return hf === undefined ? undefined : `model.layers.${match[1]}.${hf}`;
}

/** The short module name PEFT's `target_modules` lists (`q_proj`, `down_proj`, `lm_head`). */
export function targetModuleName(module: string): string {
  return module.slice(module.lastIndexOf('.') + 1);
}

/**
 * The head count by which a LoRA B's rows are permuted for this GGUF weight (q: heads, k: KV heads), or 0 when
 * its rows keep HF's order (not q/k, or an architecture without the permutation).
 */
export function permutationHeads(
  rules: { readonly permutesQk: boolean },
  target: string,
  base: { readonly headCount: number; readonly headCountKv: number },
): number {
  if (!rules.permutesQk) return 0;
  if (target.endsWith('.attn_q.weight')) return base.headCount;
  if (target.endsWith('.attn_k.weight')) return base.headCountKv;
  return 0;
}
