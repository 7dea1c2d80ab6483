/**
 * The recount behind `maft labels` (pure): how often the labels of a dataset already built are right, counted
 * again from its stored rows and the source records, with the very functions the data stage counts with
 * (method-data.ts `rowCounts` / `starRowCounts`, which call label-accuracy.ts). So a run made before these
 * counts existed gets them, and a run that has them can be checked against what summary.json says.
 *
 * The critic's candidates (`corrected` / `confirmed`, D⁻ and D⁺ before the mix) are not in the rows: they are
 * taken from summary.json as stored (0 where it has no size for the model). Every other field is recounted.
 */
import type { ModelRole } from '../finetune/model-registry.js';
import type { DebateTranscript, StarRecord } from '../spec/debate.js';
import type { FinetuneMethod } from '../spec/methods.js';
import type { DatasetSize } from '../spec/run-results.js';
import { pooledRowsByRole, rowCounts, starRowCounts, withCandidates } from './method-data.js';
import type { TrainingRow } from './training-row.js';

/** One model's dataset as stored: summary.json's `models` entry and its `rows/<name>.jsonl`. */
export interface StoredModelRows {
  name: string;
  agent: number | null;
  role: ModelRole;
  rows: readonly TrainingRow[];
}

/** A dataset as stored under artifacts/data/<method>/iteration-<k>/, with its source records. */
export interface StoredDataset {
  method: FinetuneMethod;
  iteration: number;
  models: readonly StoredModelRows[];
  /** summary.json's `sizes` as stored (without the label counts in runs made before them). */
  stored: readonly DatasetSize[];
  /** The source stage's records: debate transcripts, or STaR's records for `star`. */
  source: readonly DebateTranscript[] | readonly StarRecord[];
}

/** The dataset's sizes recounted, one per model (per agent, or the one shared model), in the models' order. */
export function recountDataset(dataset: StoredDataset): DatasetSize[] {
  const { method, iteration, models, stored } = dataset;
  const agents = [...new Set(models.map((model) => model.agent))];
  return agents.map((agent): DatasetSize => {
    const own = models.filter((model) => model.agent === agent);
    if (method === 'star')
      return {
        method,
        iteration,
        agent,
        ...starRowCounts(
          own.flatMap((model) => model.rows),
          dataset.source as readonly StarRecord[],
        ),
      };
    const transcripts = dataset.source as readonly DebateTranscript[];
    const rowsOf = (role: ModelRole) => own.filter((model) => model.role === role).flatMap((model) => model.rows);
    const { generator, critic } =
      agent === null
        ? pooledRowsByRole(rowsOf('single'))
        : { generator: rowsOf('generator'), critic: rowsOf('critic') };
    const counts = rowCounts(generator, critic, transcripts, agent);
    const candidates = stored.find((size) => size.agent === agent);
    return {
      method,
      iteration,
      agent,
      ...withCandidates(counts, candidates?.corrected ?? 0, candidates?.confirmed ?? 0),
    };
  });
}

/**
 * Where the recount differs from summary.json: one line for the dataset naming each model and field that
 * differs, or null when they agree. A field summary.json lacks (a run made before it was counted) is not
 * compared; a model only one side has is a difference.
 */
export function recountDifference(
  stored: readonly DatasetSize[],
  recounted: readonly DatasetSize[],
  where: string,
): string | null {
  const differences: string[] = [];
  const model = (agent: number | null) => (agent === null ? 'shared model' : `agent ${agent}`);
  for (const size of recounted) {
    const before = stored.find((entry) => entry.agent === size.agent);
    if (before === undefined) {
      differences.push(`${model(size.agent)} not in summary.json`);
      continue;
    }
    for (const [field, value] of Object.entries(size)) {
      const old = (before as unknown as Record<string, unknown>)[field];
      if (old !== undefined && old !== value)
        differences.push(`${model(size.agent)} ${field} ${String(old)} → ${value}`);
    }
  }
  for (const size of stored)
    if (!recounted.some((entry) => entry.agent === size.agent))
      differences.push(`${model(size.agent)} has no rows files`);
  return differences.length === 0
    ? null
    : `${where}: the recount differs from summary.json (summary → recount): ${differences.join(', ')}`;
}
