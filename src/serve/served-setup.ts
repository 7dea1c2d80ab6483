/**
 * What `maft serve` serves, read once at start (the thin I/O shell around served-models.ts): a run directory
 * (its stored config and model registry: every society it trained), a `maft run` config file (its base society:
 * nothing is trained yet), or nothing (the embedded default's base society on the shipped model, as `maft run`
 * with no argument). Nothing is written: a run being written by `maft run` can be served at the same time.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { embeddedDefaultConfig } from '../config/resolve-run-config.js';
import { runConfigSchema, type RunConfig } from '../config/run-config.js';
import { readConfigFile, validateConfig } from '../config/validate-config.js';
import { loadPromptTemplates } from '../debate/load-prompt-templates.js';
import type { PromptTemplates } from '../debate/prompts.js';
import { MaftError } from '../errors/maft-error.js';
import { finetuneMethodsOf } from '../run-store/run-plan.js';
import { readRun } from '../run-store/read-run.js';
import { artifactFile } from '../run-store/layout.js';
import type { AnswerType } from '../spec/problem.js';
import { answerTypeOfTask } from '../tasks/task-answer-type.js';
import { parseRegistry, registryArtifact, type ModelRegistry } from '../finetune/model-registry.js';
import { readFileSync } from 'node:fs';
import { givenModels } from '../society/society-plan.js';
import { servedCatalog, type ServedCatalog } from './served-models.js';

export interface ServedSetup {
  /** What is served, for logs: the run directory, the config file, or `embedded default`. */
  source: string;
  config: RunConfig;
  task: string;
  answerType: AnswerType;
  templates: PromptTemplates;
  catalog: ServedCatalog;
  /** The file of a run artifact (an adapter named by the registry); undefined outside a run. */
  adapterFile: (artifact: string) => string;
}

export interface ServedSetupOptions {
  /** llama.cpp threads, overriding the config's (the embedded default uses every core). */
  threads?: number;
}

/** `target`: a run directory, a config file, or undefined for the embedded default. */
export function loadServedSetup(target: string | undefined, options: ServedSetupOptions = {}): ServedSetup {
  const isRun = target !== undefined && existsSync(target) && statSync(target).isDirectory();
  let raw: unknown;
  let registry: ModelRegistry = { entries: [] };
  let adapterFile: (artifact: string) => string = (artifact) => {
    throw new MaftError('INTERNAL', `no run to read the adapter ${artifact} from`);
  };
  if (isRun) {
    const reader = readRun(target);
    raw = reader.config;
    const registryFile = artifactFile(reader.layout, registryArtifact);
    if (existsSync(registryFile)) registry = parseRegistry(readFileSync(registryFile, 'utf8'));
    adapterFile = (artifact) => artifactFile(reader.layout, artifact);
  } else {
    const written = target === undefined ? embeddedDefaultConfig() : readConfigFile(target);
    raw = written['backend'] === undefined ? { ...written, backend: embeddedDefaultConfig()['backend'] } : written;
  }
  if (options.threads !== undefined) {
    const backend = (raw as { backend?: Record<string, unknown> }).backend;
    if (backend?.['kind'] === 'llama-cpp' || backend?.['kind'] === 'llama-server')
      raw = { ...(raw as object), backend: { ...backend, threads: options.threads } };
  }
  const source = target === undefined ? 'embedded default' : isRun ? `run ${target}` : `config ${target}`;
  const config = validateConfig(runConfigSchema, raw, source);
  const taskOptions = config.task.options as { answerType?: string };
  const answerType = answerTypeOfTask(config.task.name, taskOptions.answerType);
  const promptsFile = config.promptsFile !== undefined && isRun ? path.resolve(config.promptsFile) : config.promptsFile;
  const templates = loadPromptTemplates(answerType, promptsFile);
  const shape = { agents: config.society.agents, rounds: config.society.rounds, critics: config.finetune.critics };
  // A vLLM server reads the `hf` trainer's PEFT directories, not their GGUF conversions.
  const peft = config.backend.kind === 'openai' && config.backend.vllm !== undefined;
  const given = givenModels(config.society.models, config.backend.kind);
  const catalog = servedCatalog(finetuneMethodsOf(config.methods), config.iterations, registry, shape, { peft }, given);
  return { source, config, task: config.task.name, answerType, templates, catalog, adapterFile };
}
