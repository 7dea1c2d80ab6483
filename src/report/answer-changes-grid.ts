/**
 * The answer-changes tables of the Markdown and HTML reports (pure): one row per debated method, iteration and
 * round r ≥ 2, in two tables narrow enough to read side by side with nothing else — what the agents' answers did
 * since round r − 1 (the transitions), and the same answers by what the others had said (docs/answer-changes.md).
 * The column names are the quantities of results.json's `answerChanges`, as that doc's table names them.
 */
import { methodLabels } from '../spec/methods.js';
import type { AnswerChangeCase, AnswerChanges } from '../spec/answer-changes.js';
import type { RunResults } from '../spec/run-results.js';

const caseCell = (counts: AnswerChangeCase) => `${counts.turns} / ${counts.kept} / ${counts.endedRight}`;

/** Each table: a header row, then one row per debated method, iteration and round. */
export interface AnswerChangesGrids {
  /** answers, right→right, right→wrong, wrong→right, wrong→same wrong, wrong→other wrong, no answer before / after. */
  transitions: string[][];
  /** confirmed, contradicted, mixed: each `n / kept / right`. */
  byWhatWasShown: string[][];
}

const rowKey = ['method', 'iteration', 'rounds'];

/** Just the headers when no score has answer changes (one-round debates, or a results.json written before them). */
export function answerChangesGrids(results: RunResults): AnswerChangesGrids {
  const transitions = [
    [
      ...rowKey,
      'answers',
      'right→right',
      'right→wrong',
      'wrong→right',
      'wrong→same wrong',
      'wrong→other wrong',
      'no answer before / after',
    ],
  ];
  const byWhatWasShown = [
    [...rowKey, 'confirmed: n / kept / right', 'contradicted: n / kept / right', 'mixed: n / kept / right'],
  ];
  for (const { key, changes } of debatedRounds(results)) {
    transitions.push([
      ...key,
      String(changes.turns),
      String(changes.rightToRight),
      String(changes.rightToWrong),
      String(changes.wrongToRight),
      String(changes.wrongToSameWrong),
      String(changes.wrongToOtherWrong),
      `${changes.fromNoAnswer} / ${changes.toNoAnswer}`,
    ]);
    byWhatWasShown.push([...key, caseCell(changes.confirmed), caseCell(changes.contradicted), caseCell(changes.mixed)]);
  }
  return { transitions, byWhatWasShown };
}

function* debatedRounds(results: RunResults): Generator<{ key: string[]; changes: AnswerChanges }> {
  // Iteration 0 of a finetuning method is the base society's debate: shown once, as Debate, when that is scored.
  const debated = results.scores.some((score) => score.method === 'debate' && score.answerChanges !== undefined);
  for (const score of results.scores) {
    if (debated && score.iteration === 0 && score.method !== 'debate') continue;
    for (const changes of score.answerChanges ?? [])
      yield {
        key: [methodLabels[score.method], String(score.iteration), `${changes.round - 1} → ${changes.round}`],
        changes,
      };
  }
}

/** What the tables' cells mean, each under its table in both reports. */
export const answerChangesNotes = {
  transitions:
    "Every agent's answer in round r − 1 against its answer in round r, over all held-out debates (answers: agents × debates; " +
    'a missing answer is wrong; the five transitions add up to answers).',
  byWhatWasShown:
    'The same answers by what the others it was shown answered in round r − 1: confirmed — all gave its answer; ' +
    'contradicted — all agree on another; mixed — anything else, or a missing answer. n: answers in the case; ' +
    'kept: its answer unchanged; right: right in round r (docs/answer-changes.md).',
};
