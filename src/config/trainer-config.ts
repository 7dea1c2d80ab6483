/**
 * The `trainer` section of a run config: one kind per way a model gets finetuned (docs/trainers.md).
 * `embedded` (the default, every field as before kinds existed), `openai` and `together` (hosted fine-tuning
 * APIs), `command` (any external trainer behind a documented contract), `hf` (maft's transformers + PEFT script
 * under `accelerate launch`). Every field says its unit, default and meaning.
 */
import { z } from 'zod';

/** The embedded LoRA trainer (ggml, in a child process): one job per model to finetune. */
export const embeddedTrainerSchema = z.strictObject({
  kind: z
    .literal('embedded')
    .default('embedded')
    .describe(
      "`embedded`: maft's own LoRA trainer on ggml (CPU, no Python), for GGUF models on the llama-cpp backend.",
    ),
  rank: z.int().min(1).max(256).default(8).describe('LoRA rank r. Default 8.'),
  alpha: z.number().positive().optional().describe('LoRA alpha (the update is scaled by alpha / r). Default 2 × rank.'),
  targets: z
    .array(z.enum(['q', 'k', 'v', 'o', 'gate', 'up', 'down']))
    .min(1)
    .optional()
    .describe('LoRA targets: any of q, k, v, o, gate, up, down. Default all seven.'),
  epochs: z.int().min(1).max(100).default(2).describe("Passes over each dataset. Default 2 (the paper's 2 epochs)."),
  learningRate: z
    .number()
    .gt(0)
    .lt(1)
    .default(1e-3)
    .describe('Peak learning rate (linear warmup, then cosine decay to 10%). Default 1e-3.'),
  warmupShare: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.03)
    .describe("Warmup as a share of the steps. Default 0.03 (the paper's 3%)."),
  windowLength: z
    .int()
    .min(16)
    .max(32768)
    .default(1024)
    .describe(
      "Tokens per training window. A longer row is cut at its head (prompt tokens first), and dropped when its completion alone does not fit; both are counted in the job's record and warned about. Default: the backend's context size (the longest conversation a debate can produce), 1024 without one.",
    ),
  windowsPerStep: z.int().min(1).max(256).default(1).describe('Windows per optimizer step. Default 1.'),
  threads: z
    .int()
    .min(1)
    .optional()
    .describe(
      "ggml CPU threads of each training job (its workers spin: threads × parallelJobs never more than free cores). Default: the backend's thread count.",
    ),
  parallelJobs: z
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'Training jobs (one per model of an iteration) that run at once, each in its own process on `threads` threads; each job is the same plan at any count, so adapters are the same files byte for byte. Default (absent): one per core divided by threads (os.availableParallelism(), chosen when the stage starts, so a run resumed on another machine uses its cores). Set it lower to leave cores to other work; `--parallel-jobs` (maft run, maft finetune) sets it for one session without changing the stored config. Jobs start longest first (most optimizer steps × window tokens), which changes no adapter.',
    ),
});

const polling = {
  pollSeconds: z
    .number()
    .positive()
    .default(10)
    .describe('First interval between status polls, in seconds; it grows ×1.5 while nothing changes. Default 10.'),
  maxPollSeconds: z
    .number()
    .positive()
    .default(120)
    .describe('Longest interval between polls, in seconds. Default 120.'),
};

/** OpenAI's fine-tuning API (the released code's GPT-3.5 path); also Azure OpenAI, which keeps the contract. */
export const openAiTrainerSchema = z.strictObject({
  kind: z
    .literal('openai')
    .describe(
      "`openai`: OpenAI's fine-tuning API (files + supervised jobs); the product is an `ft:` model id served by the openai backend. OpenAI takes no new fine-tuning customers since 2026 and no new jobs from 2027-01-06.",
    ),
  baseUrl: z
    .url()
    .default('https://api.openai.com/v1')
    .describe('The API base URL. Default https://api.openai.com/v1.'),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('OPENAI_API_KEY')
    .describe('The environment variable holding the API key (never the key itself). Default OPENAI_API_KEY.'),
  model: z
    .string()
    .min(1)
    .optional()
    .describe("The model to fine-tune (e.g. gpt-4o-mini-2024-07-18). Default: the backend's `model`."),
  epochs: z.int().min(1).max(50).default(2).describe("n_epochs. Default 2 (the released code's)."),
  batchSize: z.int().min(1).max(256).default(1).describe("batch_size. Default 1 (the released code's)."),
  learningRateMultiplier: z
    .number()
    .positive()
    .max(10)
    .default(1)
    .describe("learning_rate_multiplier. Default 1 (the released code's)."),
  seed: z.int().min(0).optional().describe("The job's seed. Default: the provider's."),
  ...polling,
});

/** Together AI's fine-tuning API (its own upload flow and job contract), LoRA. */
export const togetherTrainerSchema = z.strictObject({
  kind: z
    .literal('together')
    .describe(
      "`together`: Together AI's fine-tuning API (LoRA, loss on the completion only); the product is the job's `model_output_name`.",
    ),
  baseUrl: z
    .url()
    .default('https://api.together.xyz/v1')
    .describe('The API base URL. Default https://api.together.xyz/v1.'),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('TOGETHER_API_KEY')
    .describe('The environment variable holding the API key. Default TOGETHER_API_KEY.'),
  model: z.string().min(1).optional().describe("The base model to fine-tune. Default: the backend's `model`."),
  epochs: z.int().min(1).max(50).default(2).describe('n_epochs. Default 2.'),
  batchSize: z
    .union([z.int().min(1), z.literal('max')])
    .default('max')
    .describe('batch_size, or `max` (the largest the model allows). Default max.'),
  learningRate: z.number().positive().max(1).default(1e-5).describe('learning_rate. Default 1e-5.'),
  rank: z.int().min(1).max(256).default(8).describe('lora_r. Default 8.'),
  alpha: z.number().positive().optional().describe('lora_alpha. Default 2 × rank.'),
  ...polling,
});

/** Any other trainer, run as a command per job (docs/trainers.md: the command contract). */
export const commandTrainerSchema = z.strictObject({
  kind: z
    .literal('command')
    .describe(
      '`command`: any external trainer (Axolotl, LLaMA-Factory, sbatch …) run once per job with MAFT_* variables naming its data, starting model, output and hyperparameters.',
    ),
  command: z
    .array(z.string().min(1))
    .min(1)
    .describe('The program and its arguments (no shell), e.g. [bash, train.sh]. Required.'),
  produces: z
    .enum(['gguf-adapter', 'peft-adapter'])
    .default('gguf-adapter')
    .describe(
      'What the command writes at MAFT_OUTPUT: a GGUF LoRA adapter file (llama.cpp backends) or a PEFT adapter directory (vLLM). Default gguf-adapter.',
    ),
  hyperparameters: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Passed to the command as JSON (MAFT_HYPERPARAMETERS). Default {}.'),
});

/** maft's transformers + PEFT script under `accelerate launch` (src/trainers/hf, python/maft_hf_train.py). */
export const hfTrainerSchema = z.strictObject({
  kind: z
    .literal('hf')
    .describe(
      '`hf`: python/maft_hf_train.py (transformers + PEFT) under `accelerate launch`; the product is a PEFT adapter, converted to GGUF when the backend applies GGUF adapters.',
    ),
  model: z.string().min(1).describe('The Hugging Face model directory (or hub name) to fine-tune. Required.'),
  accelerateConfig: z.string().min(1).describe('The accelerate config file (examples/accelerate/). Required.'),
  python: z
    .string()
    .min(1)
    .default('python3')
    .describe('The Python with torch, transformers, peft, accelerate. Default python3.'),
  gpus: z
    .array(z.int().min(0))
    .min(1)
    .optional()
    .describe('GPU ids the jobs may use (CUDA_VISIBLE_DEVICES). Default: all.'),
  hyperparameters: z
    .record(z.string(), z.unknown())
    .default({})
    .describe(
      "The script's options (method lora|full, rank, alpha, dropout, targets, learningRate, epochs, …; src/trainers/hf/hf-train-options.ts). Default {}.",
    ),
});

export const trainerConfigSchema = z.discriminatedUnion('kind', [
  embeddedTrainerSchema,
  openAiTrainerSchema,
  togetherTrainerSchema,
  commandTrainerSchema,
  hfTrainerSchema,
]);

export type TrainerKind = z.output<typeof trainerConfigSchema>['kind'];
