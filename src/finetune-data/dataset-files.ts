/**
 * The files one iteration's datasets are written as (pure: names and texts; the CLI writes them into the
 * run's artifacts). Under `data/iteration-<k>/`:
 *
 *   rows/<dataset>.jsonl        canonical rows (prompt, completion, metadata): what trainers and audits read
 *   openai/<dataset>.jsonl      OpenAI chat JSONL        trl/<dataset>.jsonl   TRL prompt–completion JSONL
 *   sharegpt/<dataset>.json     ShareGPT / FastChat JSON summary.json          settings and counts
 *
 * Datasets: `agent-<n>-generator` and `agent-<n>-critic` for every agent n (0-based, as in the debate records),
 * `single-agent` and `majority` (the pooled baselines). Empty datasets are written too (no lines, or `[]`):
 * the set of files never depends on the data; a trainer skips an empty one.
 */
import type { SkippedReplies } from './agent-rows.js';
import { exportOpenAiChatJsonl } from './export/openai-chat.js';
import { exportShareGptJson } from './export/sharegpt.js';
import { exportTrlPromptCompletionJsonl } from './export/trl-prompt-completion.js';
import type { SocietyDatasets } from './society-datasets.js';
import type { TrainingRow } from './training-row.js';

export type ExportFormat = 'openai' | 'trl' | 'sharegpt';

export const exportFormats: readonly ExportFormat[] = ['openai', 'trl', 'sharegpt'];

export interface DatasetFile {
  /** Artifact name, relative to the run's artifacts directory. */
  name: string;
  text: string;
}

export interface DatasetCounts {
  problems: number;
  agents: {
    agent: number;
    generator: number;
    corrected: number;
    confirmed: number;
    critic: number;
    skipped: SkippedReplies;
  }[];
  pooled: { singleAgent: number; majority: number };
}

export function countDatasets(datasets: SocietyDatasets): DatasetCounts {
  return {
    problems: datasets.problems,
    agents: datasets.agents.map((agent) => ({
      agent: agent.agent,
      generator: agent.generator.length,
      corrected: agent.corrected.length,
      confirmed: agent.confirmed.length,
      critic: agent.critic.length,
      skipped: { ...agent.skipped },
    })),
    pooled: { singleAgent: datasets.pooled.singleAgent.length, majority: datasets.pooled.majority.length },
  };
}

/** The directory (artifact name prefix) of an iteration's data. */
export function dataDirectory(iteration: number): string {
  return `data/iteration-${iteration}`;
}

/** The named datasets in file order: each agent's generator and critic, then the pooled ones. */
export function namedDatasets(datasets: SocietyDatasets): [string, TrainingRow[]][] {
  return [
    ...datasets.agents.flatMap((agent): [string, TrainingRow[]][] => [
      [`agent-${agent.agent}-generator`, agent.generator],
      [`agent-${agent.agent}-critic`, agent.critic],
    ]),
    ['single-agent', datasets.pooled.singleAgent],
    ['majority', datasets.pooled.majority],
  ];
}

const exporters: Record<ExportFormat, { extension: string; render: (rows: readonly TrainingRow[]) => string }> = {
  openai: { extension: 'jsonl', render: exportOpenAiChatJsonl },
  trl: { extension: 'jsonl', render: exportTrlPromptCompletionJsonl },
  sharegpt: { extension: 'json', render: exportShareGptJson },
};

/** Every file of the datasets: canonical rows, each requested format, and summary.json (last). */
export function datasetFiles(
  datasets: SocietyDatasets,
  formats: readonly ExportFormat[],
  source: string,
): DatasetFile[] {
  const summary = {
    iteration: datasets.settings.iteration,
    source,
    settings: datasets.settings,
    ...countDatasets(datasets),
  };
  return namedDatasetFiles(dataDirectory(datasets.settings.iteration), namedDatasets(datasets), formats, summary);
}

/**
 * The files of some named datasets under `directory`: `rows/<name>.jsonl` (canonical rows), `<format>/<name>.*`
 * for each export format, then `summary.json` (`summary` plus the formats and the file list), written last so
 * its presence means the rest is there.
 */
export function namedDatasetFiles(
  directory: string,
  named: readonly [string, readonly TrainingRow[]][],
  formats: readonly ExportFormat[],
  summary: Record<string, unknown>,
): DatasetFile[] {
  const files: DatasetFile[] = named.map(([name, rows]) => ({
    name: `${directory}/rows/${name}.jsonl`,
    text: rows.map((row) => `${JSON.stringify(row)}\n`).join(''),
  }));
  for (const format of formats) {
    const { extension, render } = exporters[format];
    for (const [name, rows] of named)
      files.push({ name: `${directory}/${format}/${name}.${extension}`, text: render(rows) });
  }
  const fullSummary = { ...summary, formats, files: files.map((file) => file.name) };
  files.push({ name: `${directory}/summary.json`, text: `${JSON.stringify(fullSummary, null, 2)}\n` });
  return files;
}
