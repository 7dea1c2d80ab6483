/**
 * The I/O shell of `maft labels`: read every dataset a run has built (artifacts/data/<method>/iteration-<k>/,
 * its summary.json, `rows/<name>.jsonl` and the source stage's records) and recount its label counts
 * (recount-labels.ts). Read-only: the run is read as `maft status` reads it (run-store/read-run.ts: no lock,
 * nothing repaired, nothing written), so it may even be looked at while another process writes it.
 *
 * Damage is refused with the run store's one-line errors: a bad or torn line of a rows file (its file and line),
 * a summary.json that is not the data stage's, records that do not belong to the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { runConfigSchema } from '../config/run-config.js';
import { validateConfig } from '../config/validate-config.js';
import { MaftError } from '../errors/maft-error.js';
import { scanJsonl } from '../run-store/jsonl-scan.js';
import { artifactFile } from '../run-store/layout.js';
import { readRun } from '../run-store/read-run.js';
import { dataSourceStage, datasetDirectory, planRun } from '../run-store/run-plan.js';
import type { ModelRole } from '../finetune/model-registry.js';
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

interface StoredSummary {
  source?: unknown;
  sizes?: unknown;
  models?: unknown;
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
    const summary = readSummary(summaryFile);
    const source = typeof summary.source === 'string' ? summary.source : dataSourceStage(method, iteration);
    const records = run.records<DebateTranscript | StarRecord>(source);
    const debated = new Set(records.map((record) => record.problemId));
    const models = (summary.models as { name: string; agent: number | null; role: ModelRole }[]).map(
      (model): StoredModelRows => ({
        ...model,
        rows: readRows(artifactFile(run.layout, `${folder}/rows/${model.name}.jsonl`), debated, source),
      }),
    );
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

function readSummary(file: string): StoredSummary {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MaftError('RUN_CORRUPT', `not valid JSON (${(error as Error).message})`, { file });
  }
  const summary = value as StoredSummary | null;
  const isModel = (model: unknown) =>
    typeof model === 'object' &&
    model !== null &&
    typeof (model as { name?: unknown }).name === 'string' &&
    /^[\w.-]+$/.test((model as { name: string }).name);
  if (
    summary === null ||
    typeof summary !== 'object' ||
    !Array.isArray(summary.sizes) ||
    !Array.isArray(summary.models) ||
    !summary.models.every(isModel)
  )
    throw new MaftError('RUN_CORRUPT', 'not a data summary: expected `sizes` and `models` (name, agent, role)', {
      file,
    });
  return summary;
}

/**
 * A rows file: whole lines of rows, each with the metadata the count reads, of a problem the source stage
 * debated (`debated`: its records' problem ids). Written whole, so a torn tail is damage.
 */
function readRows(file: string, debated: ReadonlySet<string>, source: string): TrainingRow[] {
  if (!existsSync(file)) throw new MaftError('RUN_CORRUPT', 'rows file listed in summary.json is missing', { file });
  const scan = scanJsonl(readFileSync(file), file);
  if (scan.torn !== undefined)
    throw new MaftError('RUN_CORRUPT', `torn last line (${scan.torn.reason}) in a data file that is written whole`, {
      file,
      line: scan.torn.line,
    });
  return scan.lines.map(({ value, line }) => {
    const metadata = (value as { metadata?: Partial<TrainingRow['metadata']> } | null)?.metadata;
    if (
      typeof metadata !== 'object' ||
      metadata === null ||
      typeof metadata.problemId !== 'string' ||
      typeof metadata.kind !== 'string' ||
      typeof metadata.role !== 'string' ||
      !('answer' in metadata)
    )
      throw new MaftError(
        'RUN_CORRUPT',
        'not a training row: expected metadata with problemId, kind, role and answer',
        { file, line },
      );
    if (!debated.has(metadata.problemId))
      throw new MaftError(
        'RUN_CORRUPT',
        `row of problem ${JSON.stringify(metadata.problemId)}, which stage ${source} has no record of`,
        { file, line },
      );
    return value as TrainingRow;
  });
}
