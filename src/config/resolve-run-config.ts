/**
 * From a written `maft run` config (a YAML file, or none) to the resolved config a run stores, and the
 * problems it will use: schema → defaults → cross-field rules → problems loaded and checked. Every problem
 * found is reported at once (`path: message`), before any run directory exists.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultContextSize } from '../backends/llama-cpp/index.js';
import { MaftError } from '../errors/maft-error.js';
import { finetuneMethodsOf } from '../run-store/run-plan.js';
import type { Problem } from '../spec/problem.js';
import { loadSplits } from '../tasks/load-splits.js';
import type { Task } from '../tasks/task.js';
import { runConfigSchema, type RunConfig } from './run-config.js';
import { validateConfig } from './validate-config.js';
import { backendServes } from './backend-serves.js';
import { trainerProducts } from './trainer-products.js';

/** The arithmetic base model maft ships (models/arithmetic-base.gguf in the package). */
export const shippedBaseModel = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../models/arithmetic-base.gguf',
);

/**
 * The embedded default, what `maft run` with no config runs: the paper's arithmetic task `a+b*c+d-e*f` on the
 * shipped base model, the paper's society (N = 3, M = 2, summaries, temperature 1, top-p 0.9), sized to finish on
 * a 2-core laptop in about a quarter of an hour. Values are drawn in 0..9 rather than the paper's 0..29: the
 * model maft can pretrain in about an hour and a quarter on one CPU core learns one-digit products but not two-digit ones
 * (models/arithmetic-base.md); `task.options.max: 29` is the paper's setting.
 */
export function embeddedDefaultConfig(): Record<string, unknown> {
  return {
    task: { name: 'arithmetic', options: { max: 9 } },
    // 50 finetune + 100 held-out problems (± ~4.6 points at 70%), 2 iterations: eight debate stages at two contexts a
    // core and 16 problems at once; its wall time from a fresh clone is in README.md and docs/RESULTS.md.
    split: { finetuneCount: 50, evalCount: 100 },
    backend: embeddedBackend(),
    sampling: { maxTokens: 256 },
    iterations: 2,
  };
}

/**
 * The shipped base model on the embedded engine, one thread (a config that names no backend gets it). llama.cpp's
 * threads spin: on 2 cores two threads took 140.9 s for a 24-problem debate that one thread did in 34.6 s.
 */
export function embeddedBackend(): Record<string, unknown> {
  return { kind: 'llama-cpp', model: shippedBaseModel, threads: 1 };
}

/**
 * Defaults that depend on the backend (before the schema fills the fixed ones): with an OpenAI-compatible
 * server, the methods that need no training; on the embedded backend, the context
 * is the model's training context (at most 4096), and the training window is that context, so every row a
 * debate can produce fits it. Anything malformed is left for the schema to report.
 */
export async function withModelDefaults(raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const backend = raw['backend'];
  if (typeof backend !== 'object' || backend === null || Array.isArray(backend)) return raw;
  const fields = backend as Record<string, unknown>;
  // A server cannot serve the embedded trainer's adapters: its default methods are the three that train nothing.
  const trainerKind = (raw['trainer'] as { kind?: unknown } | undefined)?.kind ?? 'embedded';
  if (fields['kind'] === 'openai' && raw['methods'] === undefined && trainerKind === 'embedded')
    return { ...raw, methods: ['base', 'majority', 'debate'] };
  // Both llama.cpp backends (embedded, managed llama-server) read the model file itself.
  if ((fields['kind'] !== 'llama-cpp' && fields['kind'] !== 'llama-server') || typeof fields['model'] !== 'string')
    return raw;
  const contextSize = fields['contextSize'] ?? (await defaultContextSize(fields['model']));
  const trainer = raw['trainer'] ?? {};
  const filledTrainer =
    typeof trainer === 'object' &&
    trainer !== null &&
    !Array.isArray(trainer) &&
    ((trainer as Record<string, unknown>)['kind'] ?? 'embedded') === 'embedded' &&
    (trainer as Record<string, unknown>)['windowLength'] === undefined &&
    typeof contextSize === 'number'
      ? { ...trainer, windowLength: Math.min(32768, contextSize) }
      : trainer;
  return { ...raw, backend: { ...fields, contextSize }, trainer: filledTrainer };
}

/** Cross-field rules of a schema-valid config (pure but for reading `env`): every broken rule as `path: message`. */
export function runConfigProblems(config: RunConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const finetuning = finetuneMethodsOf(config.methods);
  const seen = new Set<string>();
  for (const [index, method] of config.methods.entries()) {
    if (seen.has(method)) problems.push(`methods.${index}: ${method} is listed twice`);
    seen.add(method);
  }
  if (finetuning.length > 0) problems.push(...trainerProblems(config, finetuning, env));
  if (finetuning.length > 0 && config.iterations === 0)
    problems.push(`iterations: 0 leaves nothing to finetune for ${finetuning.join(', ')}`);
  const { agents, maxOthers, models } = config.society;
  if (models !== undefined && models.length !== agents)
    problems.push(`society.models: ${models.length} agents' models for a society of ${agents} agents`);
  if (models !== undefined && finetuning.length > 0)
    problems.push(
      `society.models: a given society is evaluated, not finetuned (training starts from the base model): list base, majority and debate only, not ${finetuning.join(', ')}`,
    );
  if (maxOthers !== undefined && agents > 1 && maxOthers > agents - 1)
    problems.push(`society.maxOthers: ${maxOthers} is more than the ${agents - 1} other agents`);
  if (
    config.backend.kind !== 'openai' &&
    config.trainer.kind === 'embedded' &&
    config.trainer.windowLength > config.backend.contextSize * 4
  ) {
    problems.push(
      `trainer.windowLength: ${config.trainer.windowLength} tokens is far beyond the ${config.backend.contextSize}-token context the debates run in`,
    );
  }
  return problems;
}

/**
 * The trainer's rules, when a method finetunes: the backend can serve what the trainer makes; a hosted trainer's
 * key variable is set and it knows which model to fine-tune. (Too few rows for a provider is not an up-front
 * error: it depends on the debates, and that model keeps its previous one, recorded as a skip.)
 */
export function trainerProblems(config: RunConfig, finetuning: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const { trainer, backend } = config;
  const problems: string[] = [];
  const served = backendServes(backend);
  const made = trainerProducts(trainer);
  if (!made.some((product) => served.has(product))) {
    problems.push(
      `trainer.kind: the ${trainer.kind} trainer makes ${made.join(' / ')} models, which the ${backend.kind} backend cannot serve ` +
        `(${finetuning.join(', ')} need it; evaluate base, majority and debate only, pick a trainer whose product the backend serves, or export the data with maft build-data and train elsewhere)`,
    );
  }
  if (trainer.kind === 'openai' || trainer.kind === 'together') {
    if ((env[trainer.apiKeyEnv] ?? '') === '')
      problems.push(
        `trainer.apiKeyEnv: ${trainer.apiKeyEnv} is not set (the ${trainer.kind} trainer needs its API key there)`,
      );
    if (trainer.model === undefined && backend.kind !== 'openai')
      problems.push(
        `trainer.model: required (the model to fine-tune) when the backend is not an OpenAI-compatible server`,
      );
  }
  return problems;
}

export interface ResolvedRun {
  config: RunConfig;
  task: Task;
  /** The held-out problems' task: `evalTask`'s when given (it may have another answer type: zero-shot transfer), else `task`. */
  evalTask: Task;
  finetuneProblems: Problem[];
  evalProblems: Problem[];
}

/** Validate (schema, then rules and problem sources together) and load the problems. */
export async function resolveRunConfig(raw: Record<string, unknown>, source: string): Promise<ResolvedRun> {
  const withBackend = raw['backend'] === undefined ? { ...raw, backend: embeddedBackend() } : raw;
  const config = validateConfig(runConfigSchema, await withModelDefaults(withBackend), source);
  const problems = runConfigProblems(config);
  let loaded: Omit<ResolvedRun, 'config'> | undefined;
  try {
    loaded = await loadRunProblems(config);
  } catch (error) {
    if (!(error instanceof MaftError) || error.code === 'INTERNAL') throw error;
    // A bad input file is blamed where it is (`gsm.jsonl:3: answer: missing`), not on the config naming it.
    if (problems.length === 0 && (error.location.file !== undefined || error.location.line !== undefined)) throw error;
    problems.push(error.toOneLine());
  }
  if (loaded !== undefined) problems.push(...overlapProblems(loaded.finetuneProblems, loaded.evalProblems));
  if (problems.length > 0 || loaded === undefined)
    throw new MaftError('CONFIG_INVALID', `invalid ${source}: ${problems.join('; ')}`);
  return { config, ...loaded };
}

async function loadRunProblems(config: RunConfig): Promise<Omit<ResolvedRun, 'config'>> {
  const { seed, finetuneCount, evalCount } = config.split;
  if (config.evalTask === undefined) {
    const splits = await loadSplits(config.task.name, config.task.options, { seed, finetuneCount, evalCount });
    return { task: splits.task, evalTask: splits.task, finetuneProblems: splits.finetune, evalProblems: splits.eval };
  }
  const train = await loadSplits(config.task.name, config.task.options, { seed, finetuneCount, evalCount: 0 });
  const held = await loadSplits(config.evalTask.name, config.evalTask.options, { seed, finetuneCount: 0, evalCount });
  // Zero-shot transfer (the paper's MATH → GSM8K): the held-out task keeps its own answer type, prompts and checker.
  return { task: train.task, evalTask: held.task, finetuneProblems: train.finetune, evalProblems: held.eval };
}

/** A held-out problem that is also a finetune problem (same question text, whitespace aside) defeats the split. */
export function overlapProblems(finetune: readonly Problem[], held: readonly Problem[]): string[] {
  const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
  const trained = new Set(finetune.map((problem) => normalise(problem.question)));
  const shared = held.filter((problem) => trained.has(normalise(problem.question)));
  if (shared.length === 0) return [];
  return [
    `evalTask: ${shared.length} held-out problem(s) are also finetune problems (first: ${JSON.stringify(shared[0]?.id)}); the splits must be disjoint`,
  ];
}
