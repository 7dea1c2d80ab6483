/**
 * PEFT's `adapter_config.json` for LoRA (peft/tuners/lora/config.py `LoraConfig`), read with the fields that
 * decide whether a GGUF LoRA adapter can express it, and written for adapters maft exports.
 *
 * What a GGUF adapter can express (llama.cpp src/llama-adapter.cpp): per adapted weight W, y = W·x +
 * s·(alpha/r)·B·(A·x) with one `adapter.lora.alpha` for the file and r read from each tensor's shape. So
 * per-module ranks (`rank_pattern`) are fine, while anything else that changes the scale or the form of the
 * update is refused: rsLoRA (alpha/√r), DoRA (a magnitude vector), per-module alphas (`alpha_pattern`), LoRA
 * biases, fan-in/fan-out (transposed) storage, and fully trained `modules_to_save` (whole weights, not A/B).
 */
import { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';

const peftConfigSchema = z.looseObject({
  peft_type: z.string(),
  r: z.number().int().positive(),
  lora_alpha: z.number().nonnegative(),
  target_modules: z.union([z.array(z.string()), z.string(), z.null()]).optional(),
  base_model_name_or_path: z.string().nullable().optional(),
  use_rslora: z.boolean().optional(),
  use_dora: z.boolean().optional(),
  lora_bias: z.boolean().optional(),
  bias: z.string().optional(),
  fan_in_fan_out: z.boolean().optional(),
  modules_to_save: z.array(z.string()).nullable().optional(),
  rank_pattern: z.record(z.string(), z.number()).nullable().optional(),
  alpha_pattern: z.record(z.string(), z.number()).nullable().optional(),
});

export interface PeftLoraConfig {
  readonly rank: number;
  readonly alpha: number;
  readonly baseModel: string | undefined;
}

/** Parse and check adapter_config.json text; every refusal is one line naming the field. */
export function parsePeftConfig(text: string, file: string): PeftLoraConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MaftError('INPUT_INVALID', 'adapter_config.json is not JSON', { file });
  }
  const parsed = peftConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MaftError('INPUT_INVALID', `${issue?.message ?? 'invalid'}`, {
      file,
      field: issue?.path.join('.') ?? '',
    });
  }
  const config = parsed.data;
  const refuse = (field: string, why: string): never => {
    throw new MaftError('INPUT_INVALID', why, { file, field });
  };
  if (config.peft_type !== 'LORA')
    refuse('peft_type', `${config.peft_type} adapters cannot become GGUF LoRA adapters (expected LORA)`);
  if (config.use_rslora === true) {
    refuse('use_rslora', 'rsLoRA scales by alpha/√r; a GGUF adapter scales by alpha/r — retrain with use_rslora false');
  }
  if (config.use_dora === true) refuse('use_dora', 'DoRA adds a magnitude vector that GGUF LoRA adapters cannot hold');
  if (config.lora_bias === true) refuse('lora_bias', 'LoRA biases have no place in a GGUF LoRA adapter');
  if (config.bias !== undefined && config.bias !== 'none')
    refuse('bias', `bias "${config.bias}" trains biases a GGUF adapter cannot hold (expected "none")`);
  if (config.fan_in_fan_out === true)
    refuse('fan_in_fan_out', 'transposed (Conv1D) storage is not a llama-family layout');
  if ((config.modules_to_save ?? []).length > 0) {
    refuse(
      'modules_to_save',
      `fully trained modules (${(config.modules_to_save ?? []).join(', ')}) are not LoRA weights`,
    );
  }
  for (const [module, alpha] of Object.entries(config.alpha_pattern ?? {})) {
    if (alpha !== config.lora_alpha)
      refuse(
        `alpha_pattern.${module}`,
        `alpha ${alpha} differs from lora_alpha ${config.lora_alpha}: a GGUF adapter has one alpha`,
      );
  }
  return { rank: config.r, alpha: config.lora_alpha, baseModel: config.base_model_name_or_path ?? undefined };
}

export interface PeftConfigToWrite {
  readonly rank: number;
  readonly alpha: number;
  readonly targetModules: readonly string[];
  /** Per-module ranks where they differ from `rank` (PEFT's rank_pattern keys: module path suffixes). */
  readonly rankPattern: Readonly<Record<string, number>>;
  readonly baseModel: string;
}

/** adapter_config.json of an exported adapter: plain LoRA, nothing a loader could read differently. */
export function renderPeftConfig(config: PeftConfigToWrite): string {
  return `${JSON.stringify(
    {
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      base_model_name_or_path: config.baseModel,
      r: config.rank,
      lora_alpha: config.alpha,
      lora_dropout: 0,
      target_modules: [...config.targetModules],
      rank_pattern: config.rankPattern,
      alpha_pattern: {},
      bias: 'none',
      fan_in_fan_out: false,
      use_rslora: false,
      use_dora: false,
      modules_to_save: null,
      inference_mode: true,
    },
    null,
    2,
  )}\n`;
}
