/** How often the finetuning labels are right, in the terminal table, the Markdown and the HTML report. */
import { describe, expect, it } from 'vitest';
import { formatDatasetSizes } from '../../src/cli/commands/build-data.js';
import { formatResultsTable } from '../../src/report/format-results.js';
import { labelAccuracyGrid, labelsOf } from '../../src/report/label-accuracy-grid.js';
import { renderReports } from '../../src/report/write-report.js';
import type { DatasetSize, RunResults } from '../../src/spec/run-results.js';
import { exampleResults } from './report-fixture.js';

/**
 * The fixture's sizes with counts (multiagent FT: 20 + agent generators, 12 critics per agent of which
 * 4 + iteration D⁻; right: 6 + iteration critic rows, of them 2 + agent D⁻).
 */
function counted(): RunResults {
  const results = exampleResults();
  return {
    ...results,
    datasets: [
      ...results.datasets.map((size) => ({
        ...size,
        generatorRight: 15 + size.agent! + size.iteration,
        criticRight: 6 + size.iteration,
        criticCorrectedRight: 2 + size.agent!,
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
        criticCorrectedRight: 0,
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
      'generator rows',
      'critic rows',
      'D⁻ corrected',
      'D⁺ confirmed',
      'round 1, one agent',
    ]);
    // Iteration 1: generators 16+17+18 of 20+21+22, critics 3 × 7 of 3 × 12 — D⁻ 2+3+4 of 3 × 5, D⁺ the rest
    // 12 of 21 — round 1 25+26+27 of 120.
    expect(first).toEqual([
      'Multiagent FT',
      '1',
      '72/99 (72.7%)',
      '51/63 (81.0%)',
      '21/36 (58.3%)',
      '9/15 (60.0%)',
      '12/21 (57.1%)',
      '78/120 (65.0%)',
    ]);
    // Iteration 2: critics 3 × 8 right, D⁻ 9 of 3 × 6, D⁺ 15 of 18.
    expect(second?.slice(0, 7)).toEqual([
      'Multiagent FT',
      '2',
      '78/99 (78.8%)',
      '54/63 (85.7%)',
      '24/36 (66.7%)',
      '9/18 (50.0%)',
      '15/18 (83.3%)',
    ]);
    // STaR trains on its hinted retries too, each right by construction; it has no critic rows of either kind.
    expect(star).toEqual(['STaR', '1', '14/14 (100.0%)', '10/10 (100.0%)', '0/0', '0/0', '0/0', '10/40 (25.0%)']);
  });

  it('shows the counts in the terminal table, both reports and maft build-data', () => {
    const results = counted();
    expect(formatResultsTable(results, 'run')).toContain('72/99 (72.7%)');
    const { html, markdown } = renderReports(results);
    expect(markdown).toContain('### How often the labels are right');
    expect(markdown).toContain(
      '| Multiagent FT | 1 | 72/99 (72.7%) | 51/63 (81.0%) | 21/36 (58.3%) | 9/15 (60.0%) | 12/21 (57.1%) | 78/120 (65.0%) |',
    );
    expect(markdown).toContain('D⁻, answers the debate corrected');
    // The per-model table gains the same six columns (agent 1 at iteration 1: D⁻ 3 of its 5, D⁺ 4 of 7).
    expect(markdown).toContain(
      '| 12 = 5 + 7 | 24/33 (72.7%) | 17/21 (81.0%) | 7/12 (58.3%) | 3/5 (60.0%) | 4/7 (57.1%) | 26/40 (65.0%) |',
    );
    expect(html).toContain('How often the finetuning labels are right');
    expect(html).toContain('<td>72/99 (72.7%)</td><td>51/63 (81.0%)</td><td>21/36 (58.3%)</td><td>9/15 (60.0%)</td>');
    const sizes = results.datasets.filter((size) => size.iteration === 1 && size.method === 'multiagent-ft');
    expect(formatDatasetSizes(sizes, 'data')).toContain(
      'labels right 23/32 (71.9%): generator 16/20 (80.0%), critic 7/12 (58.3%) = D⁻ corrected 2/5 (40.0%) + D⁺ confirmed 5/7 (71.4%); round 1 right 25/40 (62.5%)',
    );
    // STaR has no critic rows: no split on its line.
    const starLine = formatDatasetSizes(results.datasets.slice(-1), 'data');
    expect(starLine).toContain('critic 0/0; round 1 right 10/40 (25.0%)');
  });

  it('reads a run made before the counts: no table, `–` in the per-model columns, no build-data line', () => {
    const old = exampleResults();
    const size = old.datasets[0] as DatasetSize;
    expect(labelsOf(size)).toBeNull();
    expect(labelAccuracyGrid(old)).toHaveLength(1);
    expect(formatResultsTable(old, 'run')).not.toContain('labels');
    const { html, markdown } = renderReports(old);
    expect(markdown).not.toContain('How often the labels are right');
    expect(markdown).toContain('| 12 = 5 + 7 | – | – | – | – | – | – |');
    expect(html).not.toContain('How often the finetuning labels');
    expect(formatDatasetSizes([size], 'data')).not.toContain('labels right');
  });

  it('reads a run counted before the split by kind: `–` for D⁻ and D⁺, the other counts as before', () => {
    const results = counted();
    const before = {
      ...results,
      datasets: results.datasets.map(({ criticCorrectedRight: _, ...size }) => size),
    };
    const [, first] = labelAccuracyGrid(before);
    expect(first).toEqual([
      'Multiagent FT',
      '1',
      '72/99 (72.7%)',
      '51/63 (81.0%)',
      '21/36 (58.3%)',
      '–',
      '–',
      '78/120 (65.0%)',
    ]);
    const sizes = before.datasets.filter((size) => size.iteration === 1 && size.method === 'multiagent-ft');
    expect(formatDatasetSizes(sizes, 'data')).toContain('critic 7/12 (58.3%); round 1 right');
    // One model without the count (data of mixed versions) leaves the sum out rather than count it as 0.
    const mixed = { ...results, datasets: [...results.datasets.slice(0, 1), ...before.datasets.slice(1)] };
    expect(labelAccuracyGrid(mixed)[1]?.slice(5, 7)).toEqual(['–', '–']);
  });
});
