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
      'Contexts per model (and adapter) that decode side by side, each reply alone in its own context on its own threads, so replies are the same at any count. Default (absent) on CPU: two per core at threads 1 (a one-thread context never spins, and its core idles between its tokens while Node samples the next: the second context fills those gaps), the cores divided by threads at more (os.availableParallelism(), chosen when the engine starts, so a run resumed on another machine uses its cores); 1 with a GPU. Each is a KV cache of contextSize tokens, opened only when the others are busy.',
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
      'Replies decoded together as sequences of one context. Default: 1 on CPU, agents × problemConcurrency with a GPU (48 at the defaults, each a KV cache of contextSize tokens: set it lower on a small GPU). On CPU batching adds no throughput (compute bound) and one-at-a-time decoding makes every reply bit-exact for its seed, so runs reproduce and resumed runs equal uninterrupted ones; batches whose make-up depends on timing change float rounding and so, at temperature 1, the sampled text.',
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

/**
 * A llama.cpp `llama-server` that maft starts and stops itself on 127.0.0.1: the base model plus every adapter
 * the society being debated uses (`--lora-scaled <file>:0`), one chosen per request (`"lora": [{id, scale}]`).
 * llama-server loads adapters only at start, so maft restarts it when a society needs adapters it has not
 * loaded (src/backends/llama-server/, docs/backends.md).
 */
const llamaServerBackend = z.strictObject({
  kind: z
    .literal('llama-server')
    .describe(
      "llama.cpp's own OpenAI-compatible server, started and stopped by maft on loopback with the society's GGUF adapters.",
    ),
  model: z.string().min(1).describe('The base GGUF model file. Required.'),
  binary: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The llama-server executable. Default: $MAFT_LLAMA_SERVER, else the cache path of scripts/build-llama-server.sh.',
    ),
  threads: z
    .int()
    .min(1)
    .default(1)
    .describe('--threads and --threads-batch (workers spin: never more than free cores). Default 1.'),
  contextSize: z
    .int()
    .min(64)
    .default(4096)
    .describe(
      "Tokens of context per slot. Default: the model's training context (its GGUF `context_length`), at most 4096.",
    ),
  parallel: z
    .int()
    .min(1)
    .max(256)
    .default(1)
    .describe(
      'Slots (--parallel): requests decoded at once, and the concurrency maft uses. Default 1 (on CPU batching adds no throughput, and one at a time keeps replies reproducible).',
    ),
  startupTimeoutMs: z
    .int()
    .min(1)
    .default(120_000)
    .describe('Bound on the wait for the server to load the model and adapters. Default 120000.'),
  timeoutMs: z.int().min(1).default(600_000).describe('Per-request timeout in milliseconds. Default 600000.'),
  extraArgs: z.array(z.string()).default([]).describe('More llama-server arguments, appended last. Default none.'),
});

/** What a vLLM server behind the openai backend allows; declared by the user (vLLM exposes no --max-lora-rank). */
const vllmSettings = z.strictObject({
  maxLoras: z.int().min(1).optional().describe("The server's --max-loras (else read from its /metrics when exported)."),
  maxLoraRank: z
    .int()
    .min(1)
    .optional()
    .describe("The server's --max-lora-rank, checked against every adapter's rank."),
  adapterPathPrefix: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where the server sees the run's adapter directories when it mounts them elsewhere: `<prefix>/<directory name>`. Default: the same path.",
    ),
});

export const backendConfigSchema = z.discriminatedUnion('kind', [
  llamaCppBackend,
  openAiBackend.extend({
    vllm: vllmSettings
      .optional()
      .describe(
        "The server is vLLM with runtime LoRA (VLLM_ALLOW_RUNTIME_LORA_UPDATING=True): maft registers the society's PEFT adapters by name before each debate (src/vllm/).",
      ),
  }),
  llamaServerBackend,
]);

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
  models: z
    .array(
      z.strictObject({
        generator: z.string().min(1).optional().describe("The agent's generator (round 1). Default: the base model."),
        critic: z.string().min(1).optional().describe("The agent's critic (rounds ≥ 2). Default: the base model."),
      }),
    )
    .optional()
    .describe(
      "The base society's models, agent by agent (`maft debate --society <file.yaml>` fills it): served model names on the openai backend, GGUF adapter files on llama-cpp and llama-server. One entry per agent. Default: every agent the base model.",
    ),
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
export type LlamaServerBackendConfig = Extract<BackendConfig, { kind: 'llama-server' }>;
export type OpenAiBackendConfig = Extract<BackendConfig, { kind: 'openai' }>;
