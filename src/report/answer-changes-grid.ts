/**
 * The answer-changes table of the Markdown and HTML reports (pure): one row per debated method, iteration and
 * round r ≥ 2 — what the agents' answers did since round r − 1, and by what the others said
 * (docs/answer-changes.md).
 */
import { methodLabels } from '../spec/methods.js';
import type { AnswerChangeCase } from '../spec/answer-changes.js';
import type { RunResults } from '../spec/run-results.js';

const caseCell = (counts: AnswerChangeCase) => `${counts.turns} / ${counts.kept} / ${counts.endedRight}`;

/**
 * Rows of cells: a header, then the rows; just the header when no score has answer changes (one-round debates,
 * or a results.json written before answer changes).
 */
export function answerChangesGrid(results: RunResults): string[][] {
  const rows = [
    [
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
      'confirmed: n / kept / right',
      'contradicted: n / kept / right',
      'mixed: n / kept / right',
    ],
  ];
  // Iteration 0 of a finetuning method is the base society's debate: shown once, as Debate, when that is scored.
  const debated = results.scores.some((score) => score.method === 'debate' && score.answerChanges !== undefined);
  for (const score of results.scores) {
    if (debated && score.iteration === 0 && score.method !== 'debate') continue;
    for (const changes of score.answerChanges ?? []) {
      rows.push([
        methodLabels[score.method],
        String(score.iteration),
        `${changes.round - 1} → ${changes.round}`,
        String(changes.turns),
        String(changes.rightToRight),
        String(changes.rightToWrong),
        String(changes.wrongToRight),
        String(changes.wrongToSameWrong),
        String(changes.wrongToOtherWrong),
        `${changes.fromNoAnswer} / ${changes.toNoAnswer}`,
        caseCell(changes.confirmed),
        caseCell(changes.contradicted),
        caseCell(changes.mixed),
      ]);
    }
  }
  return rows;
}

/** What the table's cells mean, under it in both reports. */
export const answerChangesNote =
  "Every agent's answer in round r − 1 against its answer in round r, over all held-out debates (a missing answer is wrong). " +
  'By what the others it was shown answered in round r − 1: confirmed — all gave its answer; contradicted — all agree on another; ' +
  'mixed — anything else, or a missing answer. n: answers in the case; kept: its answer unchanged; right: right in round r (docs/answer-changes.md).';
