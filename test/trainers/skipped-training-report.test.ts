/**
 * A model left untrained (fewer rows than the provider's minimum) is visible in results.json's
 * `skippedTraining` and in the report, with the reason the registry recorded.
 */
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/render-html.js';
import { renderReportMarkdown } from '../../src/report/render-markdown.js';
import { exampleResults } from '../report/report-fixture.js';

describe('skipped training in the report', () => {
  it('lists each model not trained and why', () => {
    const reason = "9 training rows, fewer than the openai trainer's minimum of 10: the model stays the base model";
    const markdown = renderReportMarkdown(
      {
        ...exampleResults(),
        skippedTraining: [{ method: 'multiagent-ft', iteration: 1, agent: 2, role: 'critic', rows: 9, reason }],
      },
      'run',
    );
    expect(markdown).toContain('## Models not trained');
    const html = renderReportHtml(
      {
        ...exampleResults(),
        skippedTraining: [{ method: 'multiagent-ft', iteration: 1, agent: 2, role: 'critic', rows: 9, reason }],
      },
      { chart: '', errorBars: '' },
      'run',
    );
    expect(html).toContain(
      '<td>agent 2 critic</td><td>9</td><td>9 training rows, fewer than the openai trainer&#39;s minimum of 10',
    );
    expect(markdown).toMatch(
      new RegExp(`\\| 1 \\| agent 2 critic \\| 9 \\| ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|`),
    );
  });

  it('has no such section when every model trained', () => {
    expect(renderReportMarkdown(exampleResults(), 'run')).not.toContain('Models not trained');
  });
});
