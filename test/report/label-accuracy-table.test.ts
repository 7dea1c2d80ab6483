/** How often the finetuning labels are right, in the terminal table, the Markdown and the HTML report. */
import { describe, expect, it } from 'vitest';
import { formatDatasetSizes } from '../../src/cli/commands/build-data.js';
import { formatResultsTable } from '../../src/report/format-results.js';
import { labelAccuracyGrid, labelsOf } from '../../src/report/label-accuracy-grid.js';
import { renderReports } from '../../src/report/write-report.js';
import type { DatasetSize, RunResults } from '../../src/spec/run-results.js';
import { exampleResults } from './report-fixture.js';

/** The fixture's sizes with counts (multiagent FT: 20 + agent generators, 12 critics per agent). */
function counted(): RunResults {
  const results = exampleResults();
  return {
    ...results,
    datasets: [
      ...results.datasets.map((size) => ({
        ...size,
        generatorRight: 15 + size.agent! + size.iteration,
        criticRight: 6 + size.iteration,
        firstRoundReplies: 40,
        firstRoundRight: 25 + size.agent!,
      })),
      {
        method: 'star',
        iteration: 1,
        agent: null,
        generator: 10,
        corrected: 4,
        confirmed: 0,
        correctedKept: 0,
        confirmedKept: 0,
        critic: 0,
        generatorRight: 10,
        criticRight: 0,
        firstRoundReplies: 40,
        firstRoundRight: 10,
      },
    ],
  };
}

describe('the label accuracy table', () => {
  it('sums each method and iteration over its models, next to one agent’s round 1', () => {
    const [header, first, second, star] = labelAccuracyGrid(counted());
    expect(header).toEqual([
      'method',
      'iteration',
      'labels right',
      'generator rows right',
      'critic rows right',
      'round 1 right (one agent)',
    ]);
    // Iteration 1: generators 16+17+18 of 20+21+22, critics 3 × 7 of 3 × 12, round 1 25+26+27 of 120.
    expect(first).toEqual(['Multiagent FT', '1', '72/99 (72.7%)', '51/63 (81.0%)', '21/36 (58.3%)', '78/120 (65.0%)']);
    expect(second?.slice(0, 3)).toEqual(['Multiagent FT', '2', '78/99 (78.8%)']);
    // STaR trains on its hinted retries too, each right by construction.
    expect(star).toEqual(['STaR', '1', '14/14 (100.0%)', '10/10 (100.0%)', '0/0', '10/40 (25.0%)']);
  });

  it('shows the counts in the terminal table, both reports and maft build-data', () => {
    const results = counted();
    expect(formatResultsTable(results, 'run')).toContain('72/99 (72.7%)');
    const { html, markdown } = renderReports(results);
    expect(markdown).toContain('### How often the labels are right');
    expect(markdown).toContain(
      '| Multiagent FT | 1 | 72/99 (72.7%) | 51/63 (81.0%) | 21/36 (58.3%) | 78/120 (65.0%) |',
    );
    // The per-model table gains the same four columns.
    expect(markdown).toContain('| 12 = 5 + 7 | 24/33 (72.7%) | 17/21 (81.0%) | 7/12 (58.3%) | 26/40 (65.0%) |');
    expect(html).toContain('How often the finetuning labels are right');
    expect(html).toContain('<td>72/99 (72.7%)</td>');
    const sizes = results.datasets.filter((size) => size.iteration === 1 && size.method === 'multiagent-ft');
    expect(formatDatasetSizes(sizes, 'data')).toContain(
      'labels right 23/32 (71.9%): generator 16/20 (80.0%), critic 7/12 (58.3%); round 1 right 25/40 (62.5%)',
    );
  });

  it('reads a run made before the counts: no table, `–` in the per-model columns, no build-data line', () => {
    const old = exampleResults();
    const size = old.datasets[0] as DatasetSize;
    expect(labelsOf(size)).toBeNull();
    expect(labelAccuracyGrid(old)).toHaveLength(1);
    expect(formatResultsTable(old, 'run')).not.toContain('labels');
    const { html, markdown } = renderReports(old);
    expect(markdown).not.toContain('How often the labels are right');
    expect(markdown).toContain('| 12 = 5 + 7 | – | – | – | – |');
    expect(html).not.toContain('How often the finetuning labels');
    expect(formatDatasetSizes([size], 'data')).not.toContain('labels right');
  });
});
