import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { MaftError } from '../errors/maft-error.js';
import { dataDirectory } from '../finetune-data/dataset-files.js';
import type { TrainingRow } from '../finetune-data/training-row.js';
import { canonicalHash } from '../run-store/canonical-json.js';
import type { Run } from '../run-store/run.js';
import type { TrainingPlan, TrainingProgress } from '../trainer/training-plan.js';
import { packageVersion } from '../util/package-version.js';
import { adapterArtifact, findEntry, registryArtifact, withEntry, type ModelRegistry, type ModelRole, type RegistryEntry } from './model-registry.js';
import { runTrainingJob } from './run-training-job.js';
import { tokenizeRows } from './tokenize-rows.js';

/** LoRA settings of every agent's jobs (unit, default in the CLI). */
export interface FinetuneSettings {
  iteration: number;
  rank: number;
  alpha: number;
  epochs: number;
  learningRate: number;
  windowLength: number;
  threads: number;
  seed: number;
}

export interface FinetuneOutcome {
  entries: RegistryEntry[];
  failed: RegistryEntry[];
}

/** node-llama-cpp's version (its package.json is not exported, so find it above the resolved entry). */
function nodeLlamaCppVersion(): string {
  let directory = path.dirname(createRequire(import.meta.url).resolve('node-llama-cpp'));
  for (let depth = 0; depth < 5; depth++, directory = path.dirname(directory)) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'node-llama-cpp' && manifest.version) return manifest.version;
    }
  }
  return 'unknown';
}

/**
 * Train the 2N adapters of an iteration (method.md step 4: generator n on its generator data, critic n on its
 * critic data), one at a time on CPU, each in a child process. Jobs already succeeded are kept; a failed or
 * interrupted one is trained again; a crash fails that job only and the others still run.
 */
export async function finetuneSociety(
  run: Run<unknown>,
  baseModel: string,
  agents: number,
  settings: FinetuneSettings,
  onProgress: (label: string, progress: TrainingProgress) => void,
): Promise<FinetuneOutcome> {
  let registry: ModelRegistry = JSON.parse(run.readArtifact(registryArtifact) ?? '{"entries": []}') as ModelRegistry;
  const save = (entry: RegistryEntry) => {
    registry = withEntry(registry, entry);
    run.writeArtifact(registryArtifact, `${JSON.stringify(registry, null, 2)}\n`);
  };
  const trainer = { mode: 'lora', rank: settings.rank, alpha: settings.alpha, epochs: settings.epochs, learningRate: settings.learningRate, windowLength: settings.windowLength, seed: settings.seed };
  const versions = { maft: packageVersion(), nodeLlamaCpp: nodeLlamaCppVersion() };
  for (let agent = 0; agent < agents; agent++) {
    for (const role of ['generator', 'critic'] as ModelRole[]) {
      const label = `iteration ${settings.iteration} agent ${agent} ${role}`;
      const dataName = `${dataDirectory(settings.iteration)}/rows/agent-${agent}-${role}.jsonl`;
      const text = run.readArtifact(dataName);
      if (text === undefined) {
        throw new MaftError('INPUT_INVALID', `no training data for ${label} (artifacts/${dataName}); run maft build-data first`, { file: run.directory });
      }
      const rows = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as TrainingRow);
      const dataHash = canonicalHash(rows);
      const base: Omit<RegistryEntry, 'status'> = { iteration: settings.iteration, agent, role, base: baseModel, rows: rows.length, dataHash, trainer, versions, updatedAt: new Date().toISOString() };
      const previous = findEntry(registry, settings.iteration, agent, role);
      if ((previous?.status === 'succeeded' || previous?.status === 'skipped') && previous.dataHash === dataHash) continue;
      if (rows.length === 0) {
        save({ ...base, status: 'skipped', reason: 'no training rows: the agent keeps its previous model' });
        continue;
      }
      save({ ...base, status: 'running' });
      const adapter = adapterArtifact(settings.iteration, agent, role);
      const outputPath = run.artifactPath(adapter);
      const plan: TrainingPlan = {
        modelPath: baseModel,
        outputPath,
        mode: 'lora',
        lora: { rank: settings.rank, alpha: settings.alpha },
        examples: await tokenizeRows(baseModel, rows),
        windowLength: settings.windowLength,
        epochs: settings.epochs,
        learningRate: settings.learningRate,
        warmupSteps: 0,
        seed: settings.seed + agent * 2 + (role === 'critic' ? 1 : 0),
        threads: settings.threads,
        outputName: `agent-${agent}-${role}-iteration-${settings.iteration}`,
      };
      const planFile = run.writeArtifact(`jobs/iteration-${settings.iteration}/agent-${agent}-${role}.plan.json`, JSON.stringify(plan));
      try {
        const result = await runTrainingJob(planFile, plan, { onProgress: (progress) => onProgress(label, progress) });
        save({ ...base, status: 'succeeded', adapter, result: { steps: result.steps, finalLoss: result.finalLoss, tokensPerSecond: result.tokensPerSecond, elapsedMs: result.elapsedMs }, updatedAt: new Date().toISOString() });
      } catch (error) {
        save({ ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error), updatedAt: new Date().toISOString() });
      }
    }
  }
  const entries = registry.entries.filter((entry) => entry.iteration === settings.iteration);
  return { entries, failed: entries.filter((entry) => entry.status === 'failed') };
}

/** Read a registry file written by finetuneSociety. */
export function readRegistry(file: string): ModelRegistry {
  return JSON.parse(readFileSync(file, 'utf8')) as ModelRegistry;
}
