import { z } from 'zod';

/**
 * The sections of a run's config (run-config.ts, the one schema every command reads): backend, task, society
 * shape, sampling. Every field says its unit, default and meaning.
 */
const llamaCppBackend = z.strictObject({
  kind: z
    .literal('llama-cpp')
    .describe(
      'The embedded llama.cpp engine (node-llama-cpp, prebuilt binaries): GGUF models on CPU, or GPU with gpu: auto.',
    ),
  model: z.string().min(1).describe('GGUF file path or `hf:` URI (downloaded on first use). Required.'),
  threads: z
    .int()
    .min(1)
    .default(1)
    .describe(
      "CPU threads of each llama.cpp context's decode (its workers spin: threads × contexts never more than free cores). Default 1.",
    ),
  contexts: z
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'Contexts per model (and adapter) that decode side by side, each reply alone in its own context on its own threads, so replies are the same at any count. Default (absent): one per core divided by threads on CPU (os.availableParallelism(), chosen when the engine starts, so a run resumed on another machine uses its cores), 1 with a GPU.',
    ),
  contextSize: z
    .int()
    .min(64)
    .default(4096)
    .describe(
      "Tokens of context per agent sequence. Default: the model's training context (its GGUF `context_length`), at most 4096 (4096 when the model cannot be read first, e.g. `hf:`).",
    ),
  gpu: z
    .union([z.literal(false), z.literal('auto')])
    .default(false)
    .describe("Use a GPU if one is available ('auto') or never (false). Default false."),
  parallelSequences: z
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'Replies decoded together as sequences of one context. Default: 1 on CPU, agents × problemConcurrency with a GPU. On CPU batching adds no throughput (compute bound) and one-at-a-time decoding makes every reply bit-exact for its seed, so runs reproduce and resumed runs equal uninterrupted ones; batches whose make-up depends on timing change float rounding and so, at temperature 1, the sampled text.',
    ),
});

const openAiBackend = z.strictObject({
  kind: z
    .literal('openai')
    .describe(
      'Any OpenAI-compatible server through the official openai SDK: vLLM, SGLang, llama-server, OpenAI, Together.',
    ),
  baseUrl: z.url().describe("The server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1. Required."),
  model: z.string().min(1).describe('The model name the server knows. Required.'),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('OPENAI_API_KEY')
    .describe(
      'Name of the environment variable holding the API key (the key itself is never stored). Default OPENAI_API_KEY.',
    ),
  concurrency: z
    .int()
    .min(1)
    .max(1024)
    .default(8)
    .describe('Requests in flight at once against this endpoint. Default 8.'),
  timeoutMs: z.int().min(1).default(120_000).describe('Per-request timeout in milliseconds. Default 120000.'),
  maxRetries: z
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('Retries of a failed request (429, 5xx, timeouts, dropped connections). Default 5.'),
});

export const backendConfigSchema = z.discriminatedUnion('kind', [llamaCppBackend, openAiBackend]);

/** A problem source: a task and its options. */
export const taskConfigSchema = z.strictObject({
  name: z.string().min(1).describe('arithmetic | gsm8k | math | mmlu | jsonl. Required.'),
  options: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("The task's own options (path, levels, subjects, …), validated by the task. Default {}."),
});

/** The society's shape. */
export const societyShape = {
  agents: z.int().min(1).max(64).default(3).describe('N, the number of agents. Default 3 (the paper).'),
  rounds: z.int().min(1).max(16).default(2).describe('M, the number of rounds. Default 2 (the paper).'),
  maxOthers: z
    .int()
    .min(1)
    .optional()
    .describe("K, the most other agents' answers a critic is shown. Default: all others (N − 1)."),
  summarize: z
    .boolean()
    .default(true)
    .describe("Critics see a summary of the others' answers written by the summarizer. Default true (the paper)."),
  uniqueIds: z
    .boolean()
    .default(false)
    .describe(
      'The unique-ID ablation (the paper\'s App. E.2): each agent\'s first prompt names it ("You are agent 2 of 3."). Default false.',
    ),
};

export const samplingConfigSchema = z.strictObject({
  temperature: z.number().min(0).max(5).default(1).describe('Sampling temperature. Default 1 (the paper).'),
  topP: z.number().gt(0).max(1).default(0.9).describe('Nucleus (top-p) sampling mass. Default 0.9 (the paper).'),
  maxTokens: z.int().min(1).default(1024).describe('Generated tokens per reply. Default 1024.'),
});

export type BackendConfig = z.output<typeof backendConfigSchema>;
