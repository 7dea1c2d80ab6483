/**
 * The results table of a run for terminals and Markdown (pure): one row per method, one column per
 * iteration, accuracy ± standard error in percent; methods without finetuning have one column.
 */
import { methodLabels } from '../spec/methods.js';
import type { DiversityScore, MethodScore, RunResults } from '../spec/run-results.js';
import { labelAccuracyGrid } from './label-accuracy-grid.js';

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

/** `mean ± SE` (`n/a` for a measure the backend cannot give; the mean alone when the SE is unknown). */
const withError = (mean: number | null, error: number | null | undefined, scale = 1, digits = 3) =>
  mean === null
    ? 'n/a'
    : error === null || error === undefined
      ? (scale * mean).toFixed(digits)
      : `${(scale * mean).toFixed(digits)} ± ${(scale * error).toFixed(digits)}`;

/**
 * The diversity measures (docs/diversity.md), one row per society and iteration, each cell its mean ± standard
 * error over the sampled debates: a header, then the rows; just the header when nothing was measured. `n/a`:
 * the backend cannot give that measure.
 */
export function diversityGrid(results: RunResults): string[][] {
  const scores: readonly DiversityScore[] = results.diversity ?? []; // results.json of older runs has none
  return [
    ['society', 'iteration', 'debates', 'consensus %', 'likelihood NLL', 'KL agents', 'KL vs base', '1 − cos'],
    ...scores.map((score) => {
      // results.json written before standard errors has none: its cells show the means alone.
      const error = (score.standardError as DiversityScore['standardError'] | undefined) ?? null;
      return [
        methodLabels[score.method],
        String(score.iteration),
        String(score.problems),
        withError(score.consensus, error?.consensus, 100, 1),
        withError(score.likelihoodNll, error?.likelihoodNll),
        withError(score.agentKl, error?.agentKl),
        withError(score.baseKl, error?.baseKl),
        withError(score.embeddingDissimilarity, error?.embeddingDissimilarity),
      ];
    }),
  ];
}

function aligned(grid: readonly (readonly string[])[]): string[] {
  const widths = grid[0]?.map((_, column) => Math.max(...grid.map((row) => (row[column] ?? '').length))) ?? [];
  return grid.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('   ')}`.trimEnd());
}

/** The one-line title `maft run` and `maft status` print: `runs/x: arithmetic, 3 agents × 2 rounds, 1 iteration`. */
export function runTitle(
  directory: string,
  config: { task: { name: string }; society: { agents: number; rounds: number }; iterations: number },
): string {
  const { agents, rounds } = config.society;
  return `${directory}: ${config.task.name}, ${agents} agents × ${rounds} rounds, ${config.iterations} iteration${config.iterations === 1 ? '' : 's'}`;
}

export function formatResultsTable(results: RunResults, title: string): string {
  const lines = aligned(resultsGrid(results));
  const progress = results.progress.finished
    ? 'finished'
    : `${results.progress.done}/${results.progress.total} stages done`;
  const diversity = diversityGrid(results);
  const embedder = (results.diversity ?? []).find((score) => score.embeddingModel !== null)?.embeddingModel;
  const diversityLines =
    diversity.length > 1
      ? `  diversity, mean ± SE over the sampled debates (docs/diversity.md; nats; 1 − cos by ${embedder ?? 'no embedder'})\n${aligned(diversity).join('\n')}\n`
      : '';
  const labelLines = formatLabelAccuracyTable(results);
  return `${title}\n  accuracy % ± SE on ${results.evalProblems} held-out problems (${progress})\n${lines.join('\n')}\n${diversityLines}${labelLines}`;
}

/** The label table of `maft run` / `status` (and `maft labels`): one row per method and iteration; '' when none. */
export function formatLabelAccuracyTable(results: Pick<RunResults, 'datasets'>): string {
  const labels = labelAccuracyGrid(results);
  return labels.length > 1
    ? `  finetuning data: rows whose label is right (vs the ground truth; the method never sees it) and one agent's round 1\n${aligned(labels).join('\n')}\n`
    : '';
}

export function markdownTable(grid: readonly (readonly string[])[]): string {
  const [header = [], ...body] = grid;
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
