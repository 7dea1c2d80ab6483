/**
 * The report of a run as Markdown, for terminals and pull requests (pure): the results table, the societies
 * (consensus, first-round agreement, answer changes between rounds, diversity), what each finetuned model was trained on, and how its
 * training ended.
 */
import { methodLabels } from '../spec/methods.js';
import type { RunResults } from '../spec/run-results.js';
import { diversityGrid, markdownTable, resultsGrid } from './format-results.js';
import { answerChangesGrids, answerChangesNotes } from './answer-changes-grid.js';
import { firstRoundAgreementGrid, firstRoundAgreementNote } from './first-round-agreement-grid.js';
import { labelAccuracyGrid, labelAccuracyNote, labelCells, labelColumns } from './label-accuracy-grid.js';

export function renderReportMarkdown(results: RunResults, title: string): string {
  const lines = [
    `# ${title}`,
    '',
    `${results.task} · ${results.agents} agents × ${results.rounds} rounds · ${results.iterations} iterations · ` +
      `${results.finetuneProblems} finetune / ${results.evalProblems} held-out problems · ${results.progress.finished ? 'finished' : `${results.progress.done}/${results.progress.total} stages done`}`,
    '',
    '## Accuracy on the held-out split (% ± SE)',
    '',
    markdownTable(resultsGrid(results)),
    '',
  ];
  const societies = results.scores.filter((score) => score.consensus !== undefined);
  if (societies.length > 0) {
    lines.push(
      '## Societies',
      '',
      markdownTable([
        [
          'method',
          'iteration',
          'consensus %',
          "agents' own accuracy %",
          'tokens',
          'call time s (summed, queueing included)',
        ],
        ...societies.map((score) => [
          methodLabels[score.method],
          String(score.iteration),
          (100 * (score.consensus ?? 0)).toFixed(1),
          (score.perAgentAccuracy ?? []).map((value) => (100 * value).toFixed(1)).join(' / '),
          String(score.tokens),
          score.modelSeconds.toFixed(0),
        ]),
      ]),
      '',
    );
  }
  const agreement = firstRoundAgreementGrid(results);
  if (agreement.length > 1)
    lines.push('## First-round agreement', '', firstRoundAgreementNote, '', markdownTable(agreement), '');
  const changes = answerChangesGrids(results);
  if (changes.transitions.length > 1)
    lines.push(
      '## Answer changes between rounds',
      '',
      '### How the answers changed',
      '',
      answerChangesNotes.transitions,
      '',
      markdownTable(changes.transitions),
      '',
      '### By what the others answered',
      '',
      answerChangesNotes.byWhatWasShown,
      '',
      markdownTable(changes.byWhatWasShown),
      '',
    );
  const diversity = diversityGrid(results);
  if (diversity.length > 1) {
    const embedder = (results.diversity ?? []).find((score) => score.embeddingModel !== null)?.embeddingModel;
    lines.push(
      '## Diversity',
      '',
      `The paper's §4.2 measures on a sample of the held-out debates (docs/diversity.md), each mean ± its standard error over those debates: likelihood NLL and KL in nats per token; 1 − cos by ${embedder ?? 'no embedder'}; n/a where the backend cannot give it.`,
      '',
      markdownTable(diversity),
      '',
    );
  }
  if (results.datasets.length > 0) {
    lines.push(
      '## Finetuning data',
      '',
      markdownTable([
        [
          'method',
          'iteration',
          'model',
          '|generator|',
          '|D⁻| candidates',
          '|D⁺| candidates',
          'critic rows: D⁻ + D⁺ kept',
          ...labelColumns,
        ],
        ...results.datasets.map((size) => [
          methodLabels[size.method],
          String(size.iteration),
          size.agent === null ? 'shared' : `agent ${size.agent}`,
          String(size.generator),
          String(size.corrected),
          String(size.confirmed),
          `${size.critic} = ${size.correctedKept ?? '?'} + ${size.confirmedKept ?? '?'}`,
          ...labelCells(size),
        ]),
      ]),
      '',
    );
    const labels = labelAccuracyGrid(results);
    if (labels.length > 1)
      lines.push('### How often the labels are right', '', labelAccuracyNote, '', markdownTable(labels), '');
  }
  if ((results.skippedTraining ?? []).length > 0) {
    lines.push(
      '## Models not trained',
      '',
      markdownTable([
        ['method', 'iteration', 'model', 'rows', 'why'],
        ...(results.skippedTraining ?? []).map((skip) => [
          methodLabels[skip.method],
          String(skip.iteration),
          skip.agent === null ? 'shared' : `agent ${skip.agent} ${skip.role}`,
          String(skip.rows),
          skip.reason,
        ]),
      ]),
      '',
    );
  }
  if (results.training.length > 0) {
    lines.push(
      '## Training',
      '',
      markdownTable([
        [
          'method',
          'iteration',
          'model',
          'rows',
          'rows cut / dropped (window)',
          'steps',
          'first → last loss',
          'seconds',
        ],
        ...results.training.map((curve) => [
          methodLabels[curve.method],
          String(curve.iteration),
          curve.agent === null ? 'shared' : `agent ${curve.agent} ${curve.role}`,
          String(curve.rows),
          `${curve.truncatedRows ?? 0} / ${curve.droppedRows ?? 0}`,
          String(curve.losses.length),
          `${curve.losses[0]?.toFixed(3) ?? '–'} → ${curve.losses.at(-1)?.toFixed(3) ?? '–'}`,
          curve.seconds.toFixed(0),
        ]),
      ]),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
