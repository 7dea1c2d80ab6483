/**
 * The first-round agreement table of the Markdown and HTML reports (pure): one row per debated method and
 * iteration — how many distinct answers its agents gave in round 1, before anyone had seen anyone, and how often
 * they were unanimous, rightly or wrongly, and whether the debate then fixed a unanimous wrong answer
 * (docs/diversity.md, "First-round agreement"). The columns are results.json's `firstRoundAgreement`.
 */
import { methodLabels } from '../spec/methods.js';
import type { RunResults } from '../spec/run-results.js';

/** A header row, then one row per debated method and iteration; just the header when no score has the field. */
export function firstRoundAgreementGrid(results: RunResults): string[][] {
  const grid = [
    [
      'method',
      'iteration',
      'problems',
      'distinct answers per problem',
      'some agent right (pass@N)',
      'unanimous',
      'unanimous right',
      'unanimous wrong',
      'of those, final vote right',
    ],
  ];
  // Iteration 0 of a finetuning method is the base society's debate: shown once, as Debate, when that is scored.
  const debated = results.scores.some((score) => score.method === 'debate' && score.firstRoundAgreement !== undefined);
  for (const score of results.scores) {
    const agreement = score.firstRoundAgreement;
    if (agreement === undefined || (debated && score.iteration === 0 && score.method !== 'debate')) continue;
    grid.push([
      methodLabels[score.method],
      String(score.iteration),
      String(agreement.problems),
      agreement.meanDistinctAnswers.toFixed(2),
      agreement.anyRight === undefined ? '—' : String(agreement.anyRight),
      String(agreement.unanimous),
      String(agreement.unanimousRight),
      String(agreement.unanimousWrong),
      String(agreement.unanimousWrongEndedRight),
    ]);
  }
  return grid;
}

/** What the table's cells mean, under it in both reports. */
export const firstRoundAgreementNote =
  "The agents' round-1 answers, given before anyone has seen anyone, over all held-out debates: distinct answers " +
  'per problem (1 = all agree, N = all differ; answers compared as the vote compares them, a missing answer ' +
  'distinct from every other); some agent right: problems where at least one first answer is right (pass@N); unanimous: all N the same, right or wrong; of the unanimous wrong ones, how many ' +
  "the debate's final vote got right. Agents that have collapsed into one give fewer distinct answers and more " +
  'unanimous wrong ones (docs/diversity.md, "First-round agreement").';
