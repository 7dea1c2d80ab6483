/** The first-round agreement table of the Markdown and HTML reports (docs/diversity.md, "First-round agreement"). */
import { describe, expect, it } from 'vitest';
import { firstRoundAgreementGrid } from '../../src/report/first-round-agreement-grid.js';
import { renderReports } from '../../src/report/write-report.js';
import { exampleResults, withAnswerChanges, withFirstRoundAgreement } from './report-fixture.js';

describe('the first-round agreement table', () => {
  it('has one row per debated method and iteration; iteration 0 of a finetuning method is Debate, shown once', () => {
    const grid = firstRoundAgreementGrid(withFirstRoundAgreement(exampleResults(), 100));
    expect(grid[0]).toEqual([
      'method',
      'iteration',
      'problems',
      'distinct answers per problem',
      'some agent right (pass@N)',
      'unanimous',
      'unanimous right',
      'unanimous wrong',
      'of those, final vote right',
    ]);
    expect(grid.slice(1)).toEqual([
      ['Debate', '0', '100', '1.46', '86', '63', '59', '4', '4'],
      ['Multiagent FT', '1', '100', '1.41', '85', '66', '59', '7', '5'],
      ['Multiagent FT', '2', '100', '1.36', '84', '69', '59', '10', '6'],
      ['Single-agent FT', '1', '100', '1.41', '85', '66', '59', '7', '5'],
      ['Single-agent FT', '2', '100', '1.36', '84', '69', '59', '10', '6'],
    ]);
    // A results.json written before maft counted pass@N reads, with a dash in that column.
    const older = withFirstRoundAgreement(exampleResults(), 100);
    for (const score of older.scores) delete score.firstRoundAgreement?.anyRight;
    expect(firstRoundAgreementGrid(older)[1]).toEqual(['Debate', '0', '100', '1.46', '—', '63', '59', '4', '4']);
  });

  it('is in both reports, before the answer changes, with what its cells mean, and absent from a results.json without it', () => {
    const { html, markdown } = renderReports(withAnswerChanges(withFirstRoundAgreement(exampleResults(), 100), 300));
    expect(markdown).toContain('## First-round agreement');
    expect(markdown).toContain('| Debate | 0 | 100 | 1.46 | 86 | 63 | 59 | 4 | 4 |\n');
    expect(markdown).toContain('a missing answer distinct from every other');
    expect(markdown).toContain('some agent right: problems where at least one first answer is right (pass@N)');
    expect(markdown.indexOf('## First-round agreement')).toBeLessThan(markdown.indexOf('## Answer changes'));
    expect(html).toContain('<h2 style="margin-top:0">First-round agreement</h2>');
    expect(html).toContain(
      '<th>Debate</th><td>0</td><td>100</td><td>1.46</td><td>86</td><td>63</td><td>59</td><td>4</td><td>4</td>',
    );
    const older = renderReports(exampleResults());
    expect(older.markdown).not.toContain('First-round agreement');
    expect(older.html).not.toContain('First-round agreement</h2>');
  });
});
