/**
 * Longest job first vs list order, simulated from a finished run's own records (no training): every train stage
 * of the run's model registry, each job taking the wall time it was recorded with (`result.elapsedMs`), scheduled
 * the way runFinetuneJobs schedules them — `--workers` at once, each free worker taking the next job — once in the
 * stage's list order (its data summary's model order, how runs before job-order.ts started them) and once longest
 * first (job-order.ts, on the cost the jobs recorded: steps × windowsPerStep × windowLength).
 *   npx tsx bench/job-order-makespan.ts <run-dir> [--workers 2]
 * Prints each stage's simulated wall time both ways, the ratio, and the bound no order beats (max of the longest
 * job and the sum ÷ workers). A simulation from recorded durations, not a measurement: the durations were taken
 * under whatever ran beside each job at the time (other jobs, other processes), and are assumed not to change
 * with the order. It runs nothing, so it is safe on a busy machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { longestFirst } from '../src/finetune/job-order.js';
import { parseRegistry, registryArtifact, type RegistryEntry } from '../src/finetune/model-registry.js';
import { datasetDirectory } from '../src/run-store/run-plan.js';
import type { FinetuneMethod } from '../src/spec/methods.js';

const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const runDirectory = process.argv[2];
const workers = Number(flag('workers', '2'));
if (runDirectory === undefined || runDirectory.startsWith('--') || !(Number.isInteger(workers) && workers >= 1)) {
  console.error('usage: npx tsx bench/job-order-makespan.ts <run-dir> [--workers <n ≥ 1>]');
  process.exit(2);
}
const artifacts = path.join(runDirectory, 'artifacts');

/** Wall time of `durations` started in `order`, each on the first free worker (the stage's worker pool). */
function makespan(durations: readonly number[], order: readonly number[]): number {
  const free = Array.from({ length: workers }, () => 0);
  for (const index of order) {
    const earliest = free.indexOf(Math.min(...free));
    free[earliest] = (free[earliest] ?? 0) + (durations[index] ?? 0);
  }
  return Math.max(...free);
}

/** The stage's jobs in the order the train stage lists them (its data summary), else the registry's. */
function listOrder(method: string, iteration: number, entries: RegistryEntry[]): RegistryEntry[] {
  const file = path.join(artifacts, datasetDirectory(method as FinetuneMethod, iteration), 'summary.json');
  if (!existsSync(file)) return entries;
  const summary = JSON.parse(readFileSync(file, 'utf8')) as { models: { agent: number | null; role: string }[] };
  return summary.models.flatMap(
    (model) => entries.find((entry) => entry.agent === model.agent && entry.role === model.role) ?? [],
  );
}

const registry = parseRegistry(readFileSync(path.join(artifacts, registryArtifact), 'utf8'));
const trained = registry.entries.filter((entry) => entry.status === 'succeeded' && entry.result !== undefined);
const stages = [...new Set(trained.map((entry) => `${entry.method}/iteration-${entry.iteration}`))];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`${runDirectory}: ${trained.length} recorded training jobs, ${workers} at once, durations as recorded`);
let listTotal = 0;
let longestTotal = 0;
for (const stage of stages) {
  const [method = '', iterationPart = ''] = stage.split('/');
  const iteration = Number(iterationPart.replace('iteration-', ''));
  const jobs = listOrder(
    method,
    iteration,
    trained.filter((entry) => entry.method === method && entry.iteration === iteration),
  );
  const durations = jobs.map((entry) => entry.result?.elapsedMs ?? 0);
  const costs = jobs.map((entry) => {
    const trainer = entry.trainer as { windowLength?: number; windowsPerStep?: number };
    return (entry.result?.steps ?? 0) * (trainer.windowsPerStep ?? 1) * (trainer.windowLength ?? 1);
  });
  const inList = makespan(
    durations,
    jobs.map((_, index) => index),
  );
  const longest = makespan(durations, longestFirst(costs));
  const bound = Math.max(Math.max(...durations), durations.reduce((sum, value) => sum + value, 0) / workers);
  listTotal += inList;
  longestTotal += longest;
  console.log(
    `  ${stage}: ${jobs.length} job${jobs.length === 1 ? '' : 's'} (${jobs.map((entry) => `${entry.rows} rows ${seconds(entry.result?.elapsedMs ?? 0)}`).join(', ')})`,
  );
  console.log(
    `    list order ${seconds(inList)}, longest first ${seconds(longest)} (×${(longest / inList).toFixed(3)}), no order below ${seconds(bound)}`,
  );
}
console.log(
  `all train stages: list order ${seconds(listTotal)}, longest first ${seconds(longestTotal)}: ×${(longestTotal / listTotal).toFixed(3)} of list order (simulated)`,
);
