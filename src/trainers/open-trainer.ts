/**
 * The one place a run's `trainer` config becomes trainer jobs (kinds other than `embedded`, which
 * src/finetune/finetune-jobs.ts runs in process). Secrets are read from the environment here, at the moment
 * they are needed, and never recorded: the registry keeps the settings without the key.
 */
import type { RunConfig } from '../config/run-config.js';
import { MaftError } from '../errors/maft-error.js';
import { findEntry, type ModelRegistry } from '../finetune/model-registry.js';
import { deriveSeed } from '../util/random.js';
import { createCommandTrainer } from './command/command-trainer.js';
import { createHfTrainer, preflightHfTrainer } from './hf/hf-trainer-jobs.js';
import { resolveHfTrainOptions } from './hf/hf-train-options.js';
import { smallestMaxLoraRank } from '../vllm/society-adapters.js';
import { createOpenAiTrainer } from './openai/openai-trainer.js';
import { createTogetherTrainer } from './together/together-trainer.js';
import type { TrainerJobs } from './trainer-job.js';

export interface OpenedTrainer {
  trainer: TrainerJobs;
  /** What the registry records as the job's settings (a change retrains). */
  settings: Record<string, unknown>;
  /** The base model's name or file. */
  base: string;
  pollSeconds: number;
  maxPollSeconds: number;
}

type HostedKinds = Exclude<RunConfig['trainer']['kind'], 'embedded'>;

function apiKey(variable: string, kind: string): string {
  const key = process.env[variable] ?? '';
  if (key === '')
    throw new MaftError('CONFIG_INVALID', `${variable} is not set (the ${kind} trainer needs its API key there)`, {
      field: 'trainer.apiKeyEnv',
    });
  return key;
}

/** Checks a trainer can make before anything runs (hf: Python and its packages). */
export async function preflightTrainer(config: RunConfig): Promise<void> {
  const { trainer, backend } = config;
  // A declared --max-lora-rank is part of the stored config: refuse a LoRA rank above it now, not after training.
  const maxLoraRank = backend.kind === 'openai' ? backend.vllm?.maxLoraRank : undefined;
  if (trainer.kind === 'hf' && maxLoraRank !== undefined) {
    const options = resolveHfTrainOptions(trainer.hyperparameters, 'trainer.hyperparameters');
    if (options.method === 'lora' && options.rank > maxLoraRank)
      throw new MaftError(
        'CONFIG_INVALID',
        `LoRA rank ${options.rank} is above the vLLM server's --max-lora-rank ${maxLoraRank} (backend.vllm.maxLoraRank): train a lower rank, or restart vLLM with --max-lora-rank ${smallestMaxLoraRank(options.rank)} and declare that`,
        { field: 'trainer.hyperparameters.rank' },
      );
  }
  if (trainer.kind === 'hf')
    await preflightHfTrainer({
      model: trainer.model,
      accelerateConfig: trainer.accelerateConfig,
      python: trainer.python,
      hyperparameters: trainer.hyperparameters,
      ...(trainer.gpus ? { gpus: trainer.gpus } : {}),
    });
}

export function openTrainer(
  config: RunConfig & { trainer: { kind: HostedKinds } },
  artifactPath: (name: string) => string,
  registry: () => ModelRegistry,
): OpenedTrainer {
  const { trainer, backend, seed } = config;
  const polling = { pollSeconds: 1, maxPollSeconds: 5 };
  switch (trainer.kind) {
    case 'openai': {
      const { apiKeyEnv: _key, kind: _kind, pollSeconds, maxPollSeconds, ...settings } = trainer;
      const model = trainer.model ?? backend.model;
      return {
        trainer: createOpenAiTrainer({ ...settings, model, apiKey: apiKey(trainer.apiKeyEnv, 'openai') }),
        settings: { ...settings, model },
        base: model,
        pollSeconds,
        maxPollSeconds,
      };
    }
    case 'together': {
      const { apiKeyEnv: _key, kind: _kind, pollSeconds, maxPollSeconds, ...settings } = trainer;
      const model = trainer.model ?? backend.model;
      const full = { ...settings, model, alpha: trainer.alpha ?? 2 * trainer.rank };
      return {
        trainer: createTogetherTrainer({ ...full, apiKey: apiKey(trainer.apiKeyEnv, 'together') }),
        settings: full,
        base: model,
        pollSeconds,
        maxPollSeconds,
      };
    }
    case 'command': {
      const { kind: _kind, ...settings } = trainer;
      return {
        trainer: createCommandTrainer({
          ...settings,
          baseModel: backend.model,
          seed: (spec) =>
            deriveSeed(seed, 'finetune', spec.key.method, spec.key.iteration, spec.key.agent ?? -1, spec.key.role),
          artifactPath,
        }),
        settings,
        base: backend.model,
        ...polling,
      };
    }
    case 'hf': {
      const { kind: _kind, ...settings } = trainer;
      return {
        trainer: createHfTrainer({
          ...settings,
          artifactPath,
          previousPeft: (spec) =>
            config.finetune.from === 'previous' && spec.key.method !== 'star' && spec.key.iteration > 1
              ? findEntry(registry(), { ...spec.key, iteration: spec.key.iteration - 1 })?.peftAdapter
              : undefined,
        }),
        settings,
        base: trainer.model,
        ...polling,
      };
    }
  }
}
