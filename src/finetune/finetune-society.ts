import { readFileSync } from 'node:fs';
import { MaftError } from '../errors/maft-error.js';
import { dataDirectory } from '../finetune-data/dataset-files.js';
import type { TrainingRow } from '../finetune-data/training-row.js';
import type { Run } from '../run-store/run.js';
import type { TrainingProgress } from '../trainer/training-plan.js';
import { runFinetuneJobs, type FinetuneJob, type FinetuneOutcome, type TrainerSettings } from './finetune-jobs.js';
import { latestAdapter, parseRegistry, type ModelRegistry, type ModelRole } from './model-registry.js';
import { readRunRegistry } from './finetune-jobs.js';

/** `maft finetune`'s settings: the trainer's, the iteration, and whether to continue from the previous one. */
export interface FinetuneSettings extends TrainerSettings {
  iteration: number;
  /** Continue each model from its adapter of iteration − 1 (when there is one). */
  continuePrevious: boolean;
}

/** Parse a JSONL file of canonical rows. */
export function parseRows(text: string): TrainingRow[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as TrainingRow);
}

/**
 * The 2N jobs of one multiagent-FT iteration (method.md step 4: generator n on its generator data, critic n on
 * its critic data) from the files `maft build-data` wrote under data/iteration-<k>/, trained one at a time.
 */
export async function finetuneSociety(
  run: Run<unknown>,
  baseModel: string,
  agents: number,
  settings: FinetuneSettings,
  onProgress: (label: string, progress: TrainingProgress) => void,
): Promise<FinetuneOutcome> {
  const registry = readRunRegistry(run);
  const jobs: FinetuneJob[] = [];
  for (let agent = 0; agent < agents; agent++) {
    for (const role of ['generator', 'critic'] as ModelRole[]) {
      const dataName = `${dataDirectory(settings.iteration)}/rows/agent-${agent}-${role}.jsonl`;
      const text = run.readArtifact(dataName);
      if (text === undefined) {
        throw new MaftError('INPUT_INVALID', `no training data for agent ${agent} ${role} (artifacts/${dataName}); run maft build-data first`, { file: run.directory });
      }
      const key = { method: 'multiagent-ft' as const, iteration: settings.iteration, agent, role };
      const initialAdapter = settings.continuePrevious && settings.iteration > 1 ? latestAdapter(registry, { ...key, iteration: settings.iteration - 1 }) : undefined;
      jobs.push({ ...key, rows: parseRows(text), ...(initialAdapter !== undefined ? { initialAdapter } : {}) });
    }
  }
  return runFinetuneJobs(run, baseModel, jobs, settings, onProgress);
}

/** Read a registry file written by runFinetuneJobs. */
export function readRegistry(file: string): ModelRegistry {
  return parseRegistry(readFileSync(file, 'utf8'));
}
