import { describe, expect, it } from 'vitest';
import { countDatasets, datasetFiles } from '../../src/finetune-data/dataset-files.js';
import { datasetWarnings, formatDatasetCounts } from '../../src/finetune-data/format-dataset-counts.js';
import { buildSocietyDatasets, type DatasetSettings } from '../../src/finetune-data/society-datasets.js';
import { fiveDebates } from './debate-fixtures.js';

const settings: DatasetSettings = { iteration: 2, correctedShare: 2 / 3, criticMix: 'w', seed: 0 };
const datasets = buildSocietyDatasets(fiveDebates(), settings);

describe("the files of an iteration's datasets", () => {
  it('names canonical rows, each format and the summary under data/iteration-<k>/', () => {
    const files = datasetFiles(datasets, ['openai', 'sharegpt'], 'debate');
    const names = files.map((file) => file.name);
    const datasetNames = [
      'agent-0-generator',
      'agent-0-critic',
      'agent-1-generator',
      'agent-1-critic',
      'agent-2-generator',
      'agent-2-critic',
      'single-agent',
      'majority',
    ];
    expect(names).toEqual([
      ...datasetNames.map((name) => `data/iteration-2/rows/${name}.jsonl`),
      ...datasetNames.map((name) => `data/iteration-2/openai/${name}.jsonl`),
      ...datasetNames.map((name) => `data/iteration-2/sharegpt/${name}.json`),
      'data/iteration-2/summary.json',
    ]);
    const text = (name: string) => files.find((file) => file.name === name)?.text;
    expect(
      text('data/iteration-2/rows/agent-1-generator.jsonl')
        ?.trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual(datasets.agents[1]?.generator);
    expect(text('data/iteration-2/openai/agent-1-critic.jsonl')).toBe('');
    expect(text('data/iteration-2/sharegpt/agent-2-generator.json')).toBe('[]\n');
    const summary = JSON.parse(text('data/iteration-2/summary.json') ?? '{}') as Record<string, unknown>;
    expect(summary).toMatchObject({
      iteration: 2,
      source: 'debate',
      formats: ['openai', 'sharegpt'],
      problems: 5,
      pooled: { singleAgent: 10, majority: 6 },
    });
  });

  const none = { truncated: 0, blank: 0 };

  it('counts every dataset: |generator|, |D⁻|, |D⁺|, |critic| per agent, and the pooled ones', () => {
    expect(countDatasets(datasets)).toEqual({
      problems: 5,
      agents: [
        { agent: 0, generator: 2, corrected: 2, confirmed: 2, critic: 3, skipped: none },
        { agent: 1, generator: 4, corrected: 0, confirmed: 3, critic: 0, skipped: none },
        { agent: 2, generator: 0, corrected: 2, confirmed: 0, critic: 1, skipped: none },
      ],
      pooled: { singleAgent: 10, majority: 6 },
    });
  });

  it('prints the counts as a table, and notes the agents left without data', () => {
    const counts = countDatasets(datasets);
    const table = formatDatasetCounts(counts, settings, 'run-x');
    expect(table).toContain('iteration 2, 5 problems, 3 agents, critic mix: w = 0.667, seed 0');
    expect(table).toMatch(/agent\s+generator\s+D⁻ corrected\s+D⁺ confirmed\s+critic \(mixed\)/);
    expect(table).toMatch(/\n {2}0\s+2\s+2\s+2\s+3\n/);
    expect(table).toContain('pooled: single-agent 10, majority 6');
    expect(datasetWarnings(counts, settings)).toEqual([
      'agent 1: no critic rows: D⁻ is empty, so no mix with w = 0.667 exists (--critic-mix all keeps every row)',
      'agent 2: no generator rows (no trainable round-1 reply agreed with the final majority)',
    ]);
  });
});
