import { Option, type Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import { countDatasets, dataDirectory, datasetFiles, exportFormats, type ExportFormat } from '../../finetune-data/dataset-files.js';
import { datasetWarnings, formatDatasetCounts } from '../../finetune-data/format-dataset-counts.js';
import { buildSocietyDatasets, type DatasetSettings } from '../../finetune-data/society-datasets.js';
import { openRun } from '../../run-store/open-run.js';
import { readRun, type RunReader } from '../../run-store/read-run.js';
import type { DebateTranscript } from '../../spec/debate.js';
import { debateStage } from '../debate-stage.js';

interface BuildDataFlags {
  w: string;
  seed?: string;
  iteration: string;
  format: string;
  criticMix: string;
  allowPartial?: boolean;
  json?: boolean;
}

/** The debate records an iteration's data comes from: `iteration-<k>/debate`, or `maft debate`'s own for k = 1. */
function sourceStage(run: RunReader, iteration: number): string {
  const staged = `iteration-${iteration}/debate`;
  if (run.manifest.stages[staged] !== undefined || run.records(staged).length > 0) return staged;
  if (iteration === 1) return debateStage;
  throw new MaftError('INPUT_INVALID', `no debate records for iteration ${iteration} (records/${staged}.jsonl)`, { file: run.layout.root });
}

function parseNumber(text: string, flag: string, valid: (value: number) => boolean, rule: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !valid(value)) throw new MaftError('CONFIG_INVALID', `${flag} must be ${rule}, not ${JSON.stringify(text)}`);
  return value;
}

function parseFormats(text: string): ExportFormat[] {
  if (text === 'all') return [...exportFormats];
  const formats = text.split(',').map((name) => name.trim());
  const unknown = formats.find((name) => !exportFormats.includes(name as ExportFormat));
  if (unknown !== undefined) throw new MaftError('UNKNOWN_NAME', `unknown format ${JSON.stringify(unknown)} (openai, trl, sharegpt or all)`);
  return formats as ExportFormat[];
}

/** Flags → settings, checked before the run is opened. The seed defaults to the run's own seed. */
function resolveSettings(flags: BuildDataFlags, config: unknown): DatasetSettings {
  if (flags.criticMix !== 'w' && flags.criticMix !== 'all') {
    throw new MaftError('CONFIG_INVALID', `--critic-mix must be w or all, not ${JSON.stringify(flags.criticMix)}`);
  }
  const runSeed = (config as { seed?: unknown }).seed;
  return {
    iteration: parseNumber(flags.iteration, '--iteration', (value) => Number.isInteger(value) && value >= 1, 'a whole number ≥ 1'),
    correctedShare: parseNumber(flags.w, '--w', (value) => value >= 0 && value <= 1, 'a number in [0, 1]'),
    criticMix: flags.criticMix,
    seed: flags.seed === undefined
      ? (Number.isInteger(runSeed) ? (runSeed as number) : 0)
      : parseNumber(flags.seed, '--seed', Number.isInteger, 'a whole number'),
  };
}

/**
 * `maft build-data <run-dir>`: the finetuning datasets of one iteration from the run's debate records
 * (method.md steps 2–3 and the baselines), written as artifacts under `data/iteration-<k>/` and recorded as
 * the stage `iteration-<k>/finetune-data`. The run is opened, not just read: its lock keeps a debate still
 * writing the records (or a second build-data) out while the data is built, and the stage marker tells a
 * pipeline that the data exists. Re-running rewrites the same files (each atomically; summary.json last).
 */
export function runBuildDataCommand(runDirectory: string, flags: BuildDataFlags): void {
  const reader = readRun(runDirectory);
  const settings = resolveSettings(flags, reader.config);
  const formats = parseFormats(flags.format);
  if ((reader.config as { split?: { name?: unknown } }).split?.name === 'eval') {
    throw new MaftError('INPUT_INVALID', 'this run debated the held-out eval split; finetuning data must come from the finetune split', { file: runDirectory });
  }
  const source = sourceStage(reader, settings.iteration);
  const state = reader.manifest.stages[source]?.state ?? 'pending';
  if (state !== 'done' && !flags.allowPartial) {
    throw new MaftError('INPUT_INVALID', `the ${source} stage is ${state}, not done: finish it, or pass --allow-partial`, { file: runDirectory });
  }

  const run = openRun(runDirectory, reader.config, { command: process.argv.slice(2) });
  try {
    const transcripts = readRun(runDirectory).records<DebateTranscript>(source);
    const datasets = buildSocietyDatasets(transcripts, settings);
    const counts = countDatasets(datasets);
    const stage = `iteration-${settings.iteration}/finetune-data`;
    run.markStage(stage, 'running');
    const files = datasetFiles(datasets, formats, source);
    for (const file of files) run.writeArtifact(file.name, file.text);
    run.markStage(stage, 'done', { source, settings: { ...settings }, formats, ...counts });
    const warnings = datasetWarnings(counts, settings);
    if (flags.json) {
      const output = { run: runDirectory, source, settings, formats, ...counts, directory: `artifacts/${dataDirectory(settings.iteration)}`, files: files.map((file) => file.name), warnings };
      process.stdout.write(`${JSON.stringify(output)}\n`);
    } else {
      process.stdout.write(formatDatasetCounts(counts, settings, `${runDirectory}: finetuning data from ${source}`));
      process.stdout.write(`  wrote ${files.length} files under artifacts/${dataDirectory(settings.iteration)}/\n`);
      for (const warning of warnings) process.stderr.write(`maft: note: ${warning}\n`);
    }
  } finally {
    run.close();
  }
}

export function registerBuildDataCommand(program: Command): void {
  program
    .command('build-data')
    .description('build per-agent generator and critic finetuning data (and pooled baselines) from a debate run')
    .argument('<run-dir>', 'the run directory (its debate must be on the finetune split)')
    .addOption(new Option('--w <share>', 'w: share of corrected rows (D⁻) in each critic\'s data, in [0, 1]').default(String(2 / 3), '2/3'))
    .option('--critic-mix <mode>', 'w (mix D⁻ and D⁺ in the share w) | all (keep every D⁻ and D⁺ row)', 'w')
    .option('--seed <n>', 'seed of the critic mix\'s draw (default: the run\'s seed)')
    .option('--iteration <n>', 'the finetuning iteration the data feeds', '1')
    .option('--format <list>', 'openai | trl | sharegpt, comma-separated, or all', 'all')
    .option('--allow-partial', 'build from a debate stage that has not finished')
    .option('--json', 'print the counts as one JSON object')
    .action(runBuildDataCommand);
}
