import { z } from 'zod';
import { answerFallbacks } from '../grading/extract-answer.js';

/**
 * The configuration of a debate run (`maft debate`), as written in a YAML file or given as flags. Every field
 * says its unit, default and meaning; the resolved form (defaults filled in) is stored in the run directory,
 * and a later command on the same run must resolve to the same config.
 */
const llamaCppBackend = z.strictObject({
  kind: z.literal('llama-cpp'),
  /** GGUF file path or `hf:` URI (downloaded on first use). Required. */
  model: z.string().min(1),
  /** CPU threads for llama.cpp (its workers spin: never more than free cores). Default 1. */
  threads: z.int().min(1).default(1),
  /** Tokens of context per agent sequence. Default 2048. */
  contextSize: z.int().min(64).default(2048),
  /** Use a GPU if one is available ('auto') or never (false). Default false. */
  gpu: z.union([z.literal(false), z.literal('auto')]).default(false),
  /**
   * Replies decoded together as sequences of one context. Default: 1 on CPU, agents × problemConcurrency with
   * a GPU. On CPU batching adds no throughput (compute bound) and one-at-a-time decoding makes every reply
   * bit-exact for its seed, so runs reproduce and resumed runs equal uninterrupted ones; batches whose make-up
   * depends on timing change float rounding and so, at temperature 1, the sampled text.
   */
  parallelSequences: z.int().min(1).max(256).optional(),
});

const openAiBackend = z.strictObject({
  kind: z.literal('openai'),
  /** The server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1. Required. */
  baseUrl: z.url(),
  /** The model name the server knows. Required. */
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (the key itself is never stored). Default OPENAI_API_KEY. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('OPENAI_API_KEY'),
  /** Requests in flight at once against this endpoint. Default 8. */
  concurrency: z.int().min(1).max(1024).default(8),
  /** Per-request timeout in milliseconds. Default 120000. */
  timeoutMs: z.int().min(1).default(120_000),
  /** Retries of a failed request (429, 5xx, timeouts, dropped connections). Default 5. */
  maxRetries: z.int().min(0).max(20).default(5),
});

export const backendConfigSchema = z.discriminatedUnion('kind', [llamaCppBackend, openAiBackend]);

export const debateConfigSchema = z.strictObject({
  task: z.strictObject({
    /** arithmetic | gsm8k | math | mmlu | jsonl. Required. */
    name: z.string().min(1),
    /** The task's own options (path, levels, subjects, …), validated by the task. Default {}. */
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  split: z.strictObject({
    /** Which split to debate: finetune (to make training data) or eval (held out). Default eval. */
    name: z.enum(['finetune', 'eval']).default('eval'),
    /** Split seed. Default 0. */
    seed: z.int().default(0),
    /** Problems in the finetune split. Default 500 (the paper). */
    finetuneCount: z.int().min(0).default(500),
    /** Problems in the eval split. Default 500 (the paper). */
    evalCount: z.int().min(0).default(500),
    /** Debate only the first `limit` problems of the split. Default: all. */
    limit: z.int().min(1).optional(),
  }).prefault({}),
  society: z.strictObject({
    /** N, the number of agents. Default 3 (the paper). */
    agents: z.int().min(1).max(64).default(3),
    /** M, the number of rounds. Default 2 (the paper). */
    rounds: z.int().min(1).max(16).default(2),
    /** K, the most other agents' answers a critic is shown. Default: all others (N − 1). */
    maxOthers: z.int().min(1).optional(),
    /** Critics see a summary of the others' answers written by the summarizer. Default true (the paper). */
    summarize: z.boolean().default(true),
    /**
     * Per agent, the LoRA adapters (GGUF files) its generator and critic apply to the base model — a finetuned
     * society (`maft debate --adapters-from <run>` fills this from a run's model registry). Default: none, every
     * agent is the base model. Embedded backend only.
     */
    adapters: z.array(z.strictObject({ generator: z.string().min(1).optional(), critic: z.string().min(1).optional() })).optional(),
  }).prefault({}),
  sampling: z.strictObject({
    /** Default 1 (the paper). */
    temperature: z.number().min(0).max(5).default(1),
    /** Default 0.9 (the paper). */
    topP: z.number().gt(0).max(1).default(0.9),
    /** Generated tokens per reply. Default 1024. */
    maxTokens: z.int().min(1).default(1024),
  }).prefault({}),
  /** The run's seed: every call's seed, shuffle and tie-break derive from it. Default 0. */
  seed: z.int().default(0),
  /** Problems debated at once (a backend's own concurrency bounds requests). Default 4. */
  problemConcurrency: z.int().min(1).max(1024).default(4),
  /** Extraction fallbacks when a reply has no \boxed{}; default per answer type. */
  fallbacks: z.array(z.enum(answerFallbacks as [string, ...string[]])).optional(),
  /** A YAML/JSON file overriding some of the prompt templates. Default: maft's prompts. */
  promptsFile: z.string().optional(),
  backend: backendConfigSchema,
});

export type DebateConfigInput = z.input<typeof debateConfigSchema>;
export type DebateConfig = z.output<typeof debateConfigSchema>;
export type BackendConfig = z.output<typeof backendConfigSchema>;
