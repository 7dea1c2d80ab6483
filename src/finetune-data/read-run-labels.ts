/**
 * The I/O shell of `maft labels`: read every dataset a run has built (artifacts/data/<method>/iteration-<k>/,
 * its summary.json, `rows/<name>.jsonl` and the source stage's records) and recount its label counts
 * (recount-labels.ts). Read-only: the run is read as `maft status` reads it (run-store/read-run.ts: no lock,
 * nothing repaired, nothing written), so it may even be looked at while another process writes it.
 *
 * Damage is refused with the run store's one-line errors: a bad or torn line of a rows file (its file and line),
 * a summary.json that is not the data stage's, records that do not belong to the run.
 */
import { existsSync } from 'node:fs';
import { runConfigSchema } from '../config/run-config.js';
import { validateConfig } from '../config/validate-config.js';
import { MaftError } from '../errors/maft-error.js';
import { readDatasetSummary, readRowsFile } from '../run-store/read-dataset-files.js';
import { artifactFile } from '../run-store/layout.js';
import { readRun } from '../run-store/read-run.js';
import { dataSourceStage, datasetDirectory, planRun } from '../run-store/run-plan.js';
import type { DebateTranscript, StarRecord } from '../spec/debate.js';
import type { FinetuneMethod } from '../spec/methods.js';
import type { DatasetSize } from '../spec/run-results.js';
import { recountDataset, recountDifference, type StoredModelRows } from './recount-labels.js';
import type { TrainingRow } from './training-row.js';

/** One dataset of the run, recounted. */
export interface RecountedDataset {
  method: FinetuneMethod;
  iteration: number;
  /** The source stage whose records the rows came from (summary.json's `source`). */
  source: string;
  /** The recount, one size per model, with summary.json's field names. */
  sizes: DatasetSize[];
  /** summary.json's `sizes` as stored. */
  stored: DatasetSize[];
  /** One line when the recount differs from what summary.json stores; null when they agree. */
  difference: string | null;
}

/** Every dataset the run has (in plan order: method by method, iteration by iteration), recounted. */
export function recountRunLabels(directory: string): RecountedDataset[] {
  const run = readRun(directory);
  const config = validateConfig(runConfigSchema, run.config, `config of ${directory} (is it a maft run directory?)`);
  const datasets: RecountedDataset[] = [];
  for (const stage of planRun(config)) {
    if (stage.kind !== 'data' || stage.method === 'base') continue;
    const { method, iteration } = stage;
    const folder = datasetDirectory(method, iteration);
    const summaryFile = artifactFile(run.layout, `${folder}/summary.json`);
    // summary.json is written last: without it the stage never finished writing its data.
    if (!existsSync(summaryFile)) continue;
    const summary = readDatasetSummary(summaryFile);
    const source = summary.source ?? dataSourceStage(method, iteration);
    const records = run.records<DebateTranscript | StarRecord>(source);
    const debated = new Set(records.map((record) => record.problemId));
    const models = summary.models.map((model): StoredModelRows => ({
      ...model,
      rows: readRows(artifactFile(run.layout, `${folder}/rows/${model.name}.jsonl`), debated, source),
    }));
    const stored = summary.sizes as DatasetSize[];
    const sizes = recountDataset({
      method,
      iteration,
      models,
      stored,
      source: records as readonly DebateTranscript[] | readonly StarRecord[],
    });
    datasets.push({
      method,
      iteration,
      source,
      sizes,
      stored,
      difference: recountDifference(stored, sizes, `${method} iteration ${iteration}`),
    });
  }
  return datasets;
}

/**
 * A rows file read strictly (run-store/read-dataset-files.ts: present, whole lines, each a training row), and on
 * top of that each row of a problem the source stage debated (`debated`: its records' problem ids).
 */
function readRows(file: string, debated: ReadonlySet<string>, source: string): TrainingRow[] {
  return readRowsFile(file).map(({ row, line }) => {
    if (!debated.has(row.metadata.problemId))
      throw new MaftError(
        'RUN_CORRUPT',
        `row of problem ${JSON.stringify(row.metadata.problemId)}, which stage ${source} has no record of`,
        { file, line },
      );
    return row;
  });
}
