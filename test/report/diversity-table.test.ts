/** The diversity table of the terminal, Markdown and HTML reports: every mean with its standard error. */
import { describe, expect, it } from 'vitest';
import { diversityGrid, formatResultsTable } from '../../src/report/format-results.js';
import { renderReports } from '../../src/report/write-report.js';
import type { DiversityScore } from '../../src/spec/run-results.js';
import { exampleResults } from './report-fixture.js';

describe('the diversity table', () => {
  it('shows each measure as mean ± SE, consensus in percent', () => {
    const [header, base, multiagent] = diversityGrid(exampleResults());
    expect(header).toEqual([
      'society',
      'iteration',
      'debates',
      'consensus %',
      'likelihood NLL',
      'KL agents',
      'KL vs base',
      '1 − cos',
    ]);
    expect(base).toEqual([
      'Debate',
      '0',
      '8',
      '70.0 ± 8.0',
      '0.310 ± 0.020',
      '0.000 ± 0.000',
      '0.000 ± 0.000',
      '0.080 ± 0.015',
    ]);
    expect(multiagent?.slice(3)).toEqual([
      '70.0 ± 8.0',
      '0.420 ± 0.020',
      '0.050 ± 0.010',
      '0.090 ± 0.012',
      '0.110 ± 0.015',
    ]);
  });

  it('says n/a for a measure not taken, and the mean alone where no SE exists (one debate, or an older results.json)', () => {
    const results = exampleResults();
    const [first] = results.diversity;
    const one: DiversityScore = {
      ...first!,
      likelihoodNll: null,
      standardError: { ...first!.standardError, likelihoodNll: null, consensus: null },
    };
    const { standardError: _dropped, ...older } = first!;
    results.diversity = [one, older as DiversityScore];
    const [, measuredOnce, fromOlder] = diversityGrid(results);
    expect(measuredOnce?.slice(3, 5)).toEqual(['70.0', 'n/a']);
    expect(fromOlder?.slice(3)).toEqual(['70.0', '0.310', '0.000', '0.000', '0.080']);
  });

  it('is in the terminal table and both reports, which say what ± means', () => {
    const results = exampleResults();
    expect(formatResultsTable(results, 'run')).toMatch(
      /diversity, mean ± SE over the sampled debates[^\n]*\n[^\n]*\n\s+Debate\s+0\s+8\s+70\.0 ± 8\.0\s+0\.310 ± 0\.020/,
    );
    const { html, markdown } = renderReports(results);
    expect(markdown).toContain('| Debate | 0 | 8 | 70.0 ± 8.0 | 0.310 ± 0.020 |');
    expect(markdown).toContain('each mean ± its standard error over those debates');
    expect(html).toContain('0.420 ± 0.020');
  });
});
