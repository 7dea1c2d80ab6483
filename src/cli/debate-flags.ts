import { MaftError } from '../errors/maft-error.js';
import { taskOptionsFromFlags, type TaskSelectionFlags } from './commands/problems.js';

/** Config flags of `maft debate` (strings as commander gives them; numbers are checked by the config schema). */
export interface DebateFlags extends TaskSelectionFlags {
  config?: string;
  run: string;
  iterations?: string;
  methods?: string;
  task?: string;
  splitSeed?: string;
  agents?: string;
  rounds?: string;
  maxOthers?: string;
  summarize?: boolean;
  temperature?: string;
  topP?: string;
  maxTokens?: string;
  problemConcurrency?: string;
  fallbacks?: string;
  prompts?: string;
  backend?: string;
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  concurrency?: string;
  timeoutMs?: string;
  maxRetries?: string;
  threads?: string;
  contextSize?: string;
  parallelSequences?: string;
}

/** A numeric flag's value; anything else is CONFIG_INVALID blaming the flag (`--threads: expected a number, got "x"`). */
export function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new MaftError('CONFIG_INVALID', `expected a number, got "${text}"`, { field: `--${flag}` });
  }
  return value;
}

/** As `number`, for flags that count: a whole number. */
export function integerFlag(text: string | undefined, flag: string): number | undefined {
  const value = number(text, flag);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new MaftError('CONFIG_INVALID', `expected a whole number, got "${text}"`, { field: `--${flag}` });
  }
  return value;
}

/** Drop undefined fields (recursively) so a flag left out never overrides the config file. */
function defined(value: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) =>
      typeof item === 'object' && item !== null && !Array.isArray(item)
        ? [key, defined(item as Record<string, unknown>)]
        : [key, item],
    );
  return Object.fromEntries(
    entries.filter(
      ([, item]) =>
        !(typeof item === 'object' && item !== null && !Array.isArray(item) && Object.keys(item).length === 0),
    ),
  );
}

/** The part of the config the flags set, shaped like the config file. */
export function configFromFlags(flags: Omit<DebateFlags, 'run'>): Record<string, unknown> {
  const taskOptions =
    flags.task === undefined ? {} : taskOptionsFromFlags({ ...flags, task: flags.task, seed: undefined });
  return defined({
    task: { name: flags.task, options: Object.keys(taskOptions).length > 0 ? taskOptions : undefined },
    split: {
      seed: number(flags.splitSeed, 'split-seed'),
      finetuneCount: number(flags.finetuneCount, 'finetune-count'),
      evalCount: number(flags.evalCount, 'eval-count'),
    },
    iterations: number(flags.iterations, 'iterations'),
    methods: flags.methods === undefined ? undefined : flags.methods.split(',').map((name) => name.trim()),
    society: {
      agents: number(flags.agents, 'agents'),
      rounds: number(flags.rounds, 'rounds'),
      maxOthers: number(flags.maxOthers, 'max-others'),
      summarize: flags.summarize,
    },
    sampling: {
      temperature: number(flags.temperature, 'temperature'),
      topP: number(flags.topP, 'top-p'),
      maxTokens: number(flags.maxTokens, 'max-tokens'),
    },
    seed: number(flags.seed, 'seed'),
    problemConcurrency: number(flags.problemConcurrency, 'problem-concurrency'),
    fallbacks:
      flags.fallbacks === undefined
        ? undefined
        : flags.fallbacks.trim() === 'none'
          ? []
          : flags.fallbacks.split(',').map((item) => item.trim()),
    promptsFile: flags.prompts,
    backend: {
      kind: flags.backend,
      model: flags.model,
      baseUrl: flags.baseUrl,
      apiKeyEnv: flags.apiKeyEnv,
      concurrency: number(flags.concurrency, 'concurrency'),
      timeoutMs: number(flags.timeoutMs, 'timeout-ms'),
      maxRetries: number(flags.maxRetries, 'max-retries'),
      threads: number(flags.threads, 'threads'),
      contextSize: number(flags.contextSize, 'context-size'),
      parallelSequences: number(flags.parallelSequences, 'parallel-sequences'),
    },
  });
}

/** Merge the flags' settings over the config file's (objects merged key by key; flags win). */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const previous = result[key];
    result[key] =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof previous === 'object' &&
      previous !== null &&
      !Array.isArray(previous)
        ? mergeConfig(previous as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return result;
}

/**
 * With no backend kind given anywhere, a base URL means the OpenAI-compatible backend and anything else the
 * embedded default (llama.cpp), so `--model file.gguf` and `--base-url … --model name` both just work.
 */
export function inferBackendKind(config: Record<string, unknown>): Record<string, unknown> {
  const backend = config['backend'];
  if (typeof backend !== 'object' || backend === null || Array.isArray(backend)) return config;
  const fields = backend as Record<string, unknown>;
  if (fields['kind'] !== undefined) return config;
  return { ...config, backend: { kind: fields['baseUrl'] !== undefined ? 'openai' : 'llama-cpp', ...fields } };
}
