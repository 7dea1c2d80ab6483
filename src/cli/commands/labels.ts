import type { Command } from 'commander';
import { recountRunLabels } from '../../finetune-data/read-run-labels.js';
import { formatLabelAccuracyTable } from '../../report/format-results.js';
import { stageId } from '../../run-store/run-plan.js';
import { formatDatasetSizes } from './build-data.js';

/**
 * `maft labels <run-dir>`: how often the labels of every dataset the run has built are right, recounted from the
 * stored rows and the source records with the data stage's own counting (finetune-data/recount-labels.ts), so
 * runs made before the counts existed get them too. Reads the run, never writes to it. Prints the label table of
 * `maft run` / `status` (models summed), each model's line as `maft build-data` prints it, and one line per
 * dataset whose recount differs from its summary.json. `--json`: `{ datasets: [{ method, iteration, source,
 * sizes }] }` with summary.json's field names.
 */
export function runLabelsCommand(directory: string, flags: { json?: boolean }): void {
  const datasets = recountRunLabels(directory);
  if (flags.json) {
    const json = datasets.map(({ method, iteration, source, sizes, difference }) => ({
      method,
      iteration,
      source,
      sizes,
      ...(difference === null ? {} : { difference }),
    }));
    process.stdout.write(`${JSON.stringify({ datasets: json })}\n`);
    return;
  }
  if (datasets.length === 0) {
    process.stdout.write(`${directory}: no finetuning data yet (no data stage has written its files)\n`);
    return;
  }
  process.stdout.write(
    `${directory}: labels recounted from the rows and the source records\n${formatLabelAccuracyTable({ datasets: datasets.flatMap((dataset) => dataset.sizes) })}`,
  );
  for (const dataset of datasets)
    process.stdout.write(
      formatDatasetSizes(dataset.sizes, `${stageId(dataset.method, dataset.iteration, 'data')} from ${dataset.source}`),
    );
  const differences = datasets.flatMap((dataset) => (dataset.difference === null ? [] : [dataset.difference]));
  for (const difference of differences) process.stdout.write(`maft labels: warning: ${difference}\n`);
}

export function registerLabelsCommand(program: Command): void {
  program
    .command('labels')
    .description(
      "recount how often a run's finetuning labels are right, for every method and iteration with data (reads the run, never changes it)",
    )
    .argument('<run-dir>', 'a run directory (made by maft run, or by maft debate and maft build-data)')
    .option('--json', 'print the recounted sizes as one JSON object')
    .action(runLabelsCommand);
}
