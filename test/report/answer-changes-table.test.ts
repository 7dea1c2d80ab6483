/** The answer-changes table of the Markdown and HTML reports (docs/answer-changes.md). */
import { describe, expect, it } from 'vitest';
import { answerChangesGrids } from '../../src/report/answer-changes-grid.js';
import { renderReports } from '../../src/report/write-report.js';
import type { AnswerChanges } from '../../src/spec/answer-changes.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { exampleResults } from './report-fixture.js';

const changes = (round: number, offset: number): AnswerChanges => ({
  round,
  turns: 300,
  rightToRight: 150 + offset,
  rightToWrong: 20,
  wrongToRight: 30,
  wrongToSameWrong: 80 - offset,
  wrongToOtherWrong: 20,
  fromNoAnswer: 1,
  toNoAnswer: 4 + offset,
  confirmed: { turns: 245, kept: 228 + offset, endedRight: 160 },
  contradicted: { turns: 28, kept: 9, endedRight: 10 },
  mixed: { turns: 27, kept: 12, endedRight: 5 },
});

/** The example run with answer changes where `maft run` writes them: the debate-scored societies. */
function withChanges(): RunResults {
  const results = exampleResults();
  results.scores = results.scores.map((score) =>
    score.method === 'debate' || score.method === 'multiagent-ft'
      ? { ...score, answerChanges: [changes(2, score.iteration)] }
      : score,
  );
  return results;
}

describe('the answer-changes table', () => {
  it('has one row per debated method, iteration and round in each of its two tables; iteration 0 of a finetuning method is Debate, shown once', () => {
    const { transitions, byWhatWasShown } = answerChangesGrids(withChanges());
    expect(transitions[0]).toEqual([
      'method',
      'iteration',
      'rounds',
      'answers',
      'right→right',
      'right→wrong',
      'wrong→right',
      'wrong→same wrong',
      'wrong→other wrong',
      'no answer before / after',
    ]);
    expect(byWhatWasShown[0]).toEqual([
      'method',
      'iteration',
      'rounds',
      'confirmed: n / kept / right',
      'contradicted: n / kept / right',
      'mixed: n / kept / right',
    ]);
    expect(transitions.slice(1)).toEqual([
      ['Debate', '0', '1 → 2', '300', '150', '20', '30', '80', '20', '1 / 4'],
      ['Multiagent FT', '1', '1 → 2', '300', '151', '20', '30', '79', '20', '1 / 5'],
      ['Multiagent FT', '2', '1 → 2', '300', '152', '20', '30', '78', '20', '1 / 6'],
    ]);
    expect(byWhatWasShown.slice(1)).toEqual([
      ['Debate', '0', '1 → 2', '245 / 228 / 160', '28 / 9 / 10', '27 / 12 / 5'],
      ['Multiagent FT', '1', '1 → 2', '245 / 229 / 160', '28 / 9 / 10', '27 / 12 / 5'],
      ['Multiagent FT', '2', '1 → 2', '245 / 230 / 160', '28 / 9 / 10', '27 / 12 / 5'],
    ]);
  });

  it('is in both reports, with what its cells mean, and absent from a results.json without it', () => {
    const { html, markdown } = renderReports(withChanges());
    expect(markdown).toContain('## Answer changes between rounds');
    expect(markdown).toContain('| Debate | 0 | 1 → 2 | 300 | 150 | 20 | 30 | 80 | 20 | 1 / 4 |\n');
    expect(markdown).toContain('| Debate | 0 | 1 → 2 | 245 / 228 / 160 | 28 / 9 / 10 | 27 / 12 / 5 |\n');
    expect(markdown).toContain('### How the answers changed');
    expect(markdown).toContain('### By what the others answered');
    expect(markdown).toContain('a missing answer is wrong');
    expect(html).toContain('<h2 style="margin-top:0">Answer changes between rounds</h2>');
    expect(html).toContain('<td>245 / 228 / 160</td>');
    // The transitions' headers may wrap after the arrow; their text is the same.
    expect(html).toContain('<th>right→<wbr>wrong</th>');
    expect(html).toContain('<h3>By what the others answered</h3>');
    const older = renderReports(exampleResults());
    expect(older.markdown).not.toContain('Answer changes');
    expect(older.html).not.toContain('Answer changes between rounds');
  });
});
