/**
 * The results table of a run for terminals and Markdown (pure): one row per method, one column per
 * iteration, accuracy ± standard error in percent; methods without finetuning have one column.
 */
import { methodLabels } from '../spec/methods.js';
import type { MethodScore, RunResults } from '../spec/run-results.js';

const percent = (score: MethodScore) =>
  `${(100 * score.accuracy).toFixed(1)} ± ${(100 * score.standardError).toFixed(1)}`;

/** Rows of cells: a header, then one row per method (empty cells where an iteration is not scored yet). */
export function resultsGrid(results: RunResults): string[][] {
  const columns = Array.from({ length: results.iterations + 1 }, (_, iteration) => iteration);
  const rows = [['method', ...columns.map((iteration) => (iteration === 0 ? 'base model' : `iteration ${iteration}`))]];
  for (const method of results.methods) {
    const scores = new Map(
      results.scores.filter((score) => score.method === method).map((score) => [score.iteration, score]),
    );
    rows.push([
      methodLabels[method],
      ...columns.map((iteration) => {
        const score = scores.get(iteration);
        return score === undefined ? '' : percent(score);
      }),
    ]);
  }
  return rows;
}

export function formatResultsTable(results: RunResults, title: string): string {
  const grid = resultsGrid(results);
  const widths = grid[0]?.map((_, column) => Math.max(...grid.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = grid.map((row) =>
    `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('   ')}`.trimEnd(),
  );
  const progress = results.progress.finished
    ? 'finished'
    : `${results.progress.done}/${results.progress.total} stages done`;
  return `${title}\n  accuracy % ± SE on ${results.evalProblems} held-out problems (${progress})\n${lines.join('\n')}\n`;
}

export function markdownTable(grid: readonly (readonly string[])[]): string {
  const [header = [], ...body] = grid;
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
