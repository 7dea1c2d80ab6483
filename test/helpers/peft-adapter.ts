import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeSafetensors, type SafetensorsTensor } from '../../src/adapters/safetensors.js';
import { randomFloats } from '../../src/gguf/tiny-llama.js';

export interface KnownLoraModule {
  /** HF module path, e.g. `model.layers.0.self_attn.q_proj`. */
  readonly module: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly rank: number;
  /** PEFT order: [rank, in] row-major. */
  readonly a: Float32Array;
  /** PEFT order: [out, rank] row-major. */
  readonly b: Float32Array;
}

/**
 * Known LoRA weights on every attention matrix and ffn_down of both blocks of a tiny model (n_embd 64, n_ff 128,
 * `kvLength` = head size × n_head_kv), rank 4 except block 1's q_proj (rank 2, through rank_pattern), σ 0.3.
 */
export function knownLoraModules(kvLength: number, feedForward = 128, embd = 64): KnownLoraModule[] {
  const shapes: Record<string, [number, number]> = {
    'self_attn.q_proj': [embd, embd],
    'self_attn.k_proj': [embd, kvLength],
    'self_attn.v_proj': [embd, kvLength],
    'self_attn.o_proj': [embd, embd],
    'mlp.down_proj': [feedForward, embd],
  };
  return [0, 1].flatMap((block) =>
    Object.entries(shapes).map(([name, [inputSize, outputSize]], index) => {
      const module = `model.layers.${block}.${name}`;
      const rank = module === 'model.layers.1.self_attn.q_proj' ? 2 : 4;
      const seed = 100 + block * 10 + index;
      return {
        module,
        inputSize,
        outputSize,
        rank,
        a: randomFloats(seed, rank * inputSize, 0.3),
        b: randomFloats(seed + 1000, outputSize * rank, 0.3),
      };
    }),
  );
}

/** Write the modules as a PEFT LoRA directory, as `model.save_pretrained()` lays it out. */
export async function writePeftAdapter(
  directory: string,
  modules: readonly KnownLoraModule[],
  alpha: number,
  extraConfig: Record<string, unknown> = {},
): Promise<void> {
  const tensors = new Map<string, SafetensorsTensor>();
  for (const module of modules) {
    tensors.set(`base_model.model.${module.module}.lora_A.weight`, {
      shape: [module.rank, module.inputSize],
      values: module.a,
    });
    tensors.set(`base_model.model.${module.module}.lora_B.weight`, {
      shape: [module.outputSize, module.rank],
      values: module.b,
    });
  }
  const rankPattern = Object.fromEntries(
    modules.filter((module) => module.rank !== 4).map((module) => [module.module, module.rank]),
  );
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: 'tiny',
    r: 4,
    lora_alpha: alpha,
    lora_dropout: 0.05,
    target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'down_proj'],
    rank_pattern: rankPattern,
    alpha_pattern: {},
    bias: 'none',
    fan_in_fan_out: false,
    use_rslora: false,
    use_dora: false,
    modules_to_save: null,
    ...extraConfig,
  };
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'adapter_config.json'), JSON.stringify(config, null, 2));
  await writeFile(path.join(directory, 'adapter_model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
}
