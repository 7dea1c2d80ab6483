/**
 * The hyperparameters of one `hf` trainer job (python/maft_hf_train.py), validated here so that a bad value is
 * a one-line config error before any GPU is touched. Defaults: LoRA as TRL recommends it (rank 16, alpha 32,
 * dropout 0.05, all linear layers, lr 2e-4); full-parameter as the released code trains (lr 1e-5, cosine,
 * 3% warmup, 2 epochs; method.md "Finetuning").
 */
import { z } from 'zod';
import { MaftError } from '../../errors/maft-error.js';

export const hfTrainOptionsSchema = z.strictObject({
  /** `lora`: a PEFT adapter is trained and written; `full`: every weight, a model directory is written. */
  method: z.enum(['lora', 'full']).default('lora'),
  /** LoRA rank r. */
  rank: z.number().int().positive().default(16),
  /** LoRA alpha; the update is scaled by alpha/r (plain LoRA: rsLoRA is not used, so the adapter converts to GGUF). */
  alpha: z.number().positive().default(32),
  /** LoRA dropout probability. */
  dropout: z.number().min(0).max(1).default(0.05),
  /** Modules LoRA adapts: `all-linear` or HF module names (`q_proj`, `v_proj`, …). */
  targets: z
    .union([z.literal('all-linear'), z.array(z.string().regex(/^[A-Za-z0-9_.]+$/)).min(1)])
    .default('all-linear'),
  /** Peak learning rate. Default 1e-5 for full, 2e-4 for LoRA. */
  learningRate: z.number().positive().optional(),
  /** Passes over the data (may be fractional). */
  epochs: z.number().positive().default(2),
  /** Rows per device per step. */
  batchSize: z.number().int().positive().default(1),
  /** Steps whose gradients are summed before an optimizer step. */
  gradientAccumulation: z.number().int().positive().default(1),
  /** Fraction of the steps spent warming the learning rate up. */
  warmupRatio: z.number().min(0).max(1).default(0.03),
  /** transformers' lr_scheduler_type. */
  scheduler: z.enum(['cosine', 'linear', 'constant', 'constant_with_warmup']).default('cosine'),
  /** Longest row in tokens; a longer one is refused (never silently cut). */
  maxLength: z.number().int().positive().default(2048),
  seed: z.number().int().nonnegative().default(1),
  precision: z.enum(['bf16', 'fp16', 'fp32']).default('bf16'),
});

export type HfTrainOptions = z.output<typeof hfTrainOptionsSchema>;

export function resolveHfTrainOptions(input: unknown, where = 'trainer'): HfTrainOptions & { learningRate: number } {
  const parsed = hfTrainOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MaftError('CONFIG_INVALID', issue?.message ?? 'invalid', {
      field: [where, ...(issue?.path ?? [])].join('.'),
    });
  }
  const options = parsed.data;
  return { ...options, learningRate: options.learningRate ?? (options.method === 'full' ? 1e-5 : 2e-4) };
}

/** The script's flags for these options (the script's argparse names; tested against its --help). */
export function hfTrainFlags(options: HfTrainOptions & { learningRate: number }): string[] {
  const flags = [
    '--method',
    options.method,
    '--learning-rate',
    String(options.learningRate),
    '--epochs',
    String(options.epochs),
    '--batch-size',
    String(options.batchSize),
    '--gradient-accumulation',
    String(options.gradientAccumulation),
    '--warmup-ratio',
    String(options.warmupRatio),
    '--scheduler',
    options.scheduler,
    '--max-length',
    String(options.maxLength),
    '--seed',
    String(options.seed),
    '--precision',
    options.precision,
  ];
  if (options.method === 'lora') {
    flags.push(
      '--lora-rank',
      String(options.rank),
      '--lora-alpha',
      String(options.alpha),
      '--lora-dropout',
      String(options.dropout),
      '--lora-targets',
      options.targets === 'all-linear' ? 'all-linear' : options.targets.join(','),
    );
  }
  return flags;
}
