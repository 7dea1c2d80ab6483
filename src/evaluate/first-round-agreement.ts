/**
 * First-round agreement (pure): how many distinct answers a society's agents give in round 1, before any of
 * them has seen another's, and how often they are unanimous — rightly, or wrongly and then fixed (or not) by the
 * debate. The answer-level reading of a society's diversity, on every held-out debate. Definitions:
 * src/spec/first-round-agreement.ts and docs/diversity.md, "First-round agreement".
 */
import { isEquivalent } from '../grading/equivalence.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { FirstRoundAgreement } from '../spec/first-round-agreement.js';
import type { AnswerType } from '../spec/problem.js';

export type { FirstRoundAgreement };

/**
 * Distinct answers among `answers`, clustered as the vote clusters them (an answer joins the first class whose
 * first answer it is equivalent to); every missing answer is one more distinct answer.
 */
export function distinctAnswers(answers: readonly (string | null)[], same: (a: string, b: string) => boolean): number {
  const classes: string[] = [];
  let missing = 0;
  for (const answer of answers) {
    if (answer === null) missing++;
    else if (!classes.some((first) => same(answer, first))) classes.push(answer);
  }
  return classes.length + missing;
}

/** Over the debates with ≥ 2 agents; undefined when there is none (a society of one agent has no agreement). */
export function countFirstRoundAgreement(transcripts: readonly DebateTranscript[]): FirstRoundAgreement | undefined {
  const counted = transcripts.filter((transcript) => transcript.agents.length >= 2);
  if (counted.length === 0) return undefined;
  let distinct = 0;
  const agreement: FirstRoundAgreement = {
    problems: counted.length,
    meanDistinctAnswers: 0,
    anyRight: 0,
    unanimous: 0,
    unanimousRight: 0,
    unanimousWrong: 0,
    unanimousWrongEndedRight: 0,
  };
  for (const transcript of counted) {
    const answerType = transcript.answerType as AnswerType;
    const same = (a: string, b: string) => isEquivalent(a, b, answerType, transcript.grading);
    const right = (answer: string | null) =>
      isEquivalent(answer, transcript.groundTruth, answerType, transcript.grading);
    const answers = transcript.agents.map((agent) => agent.turns.find((turn) => turn.round === 1)?.answer ?? null);
    const count = distinctAnswers(answers, same);
    distinct += count;
    if (answers.some(right)) agreement.anyRight = (agreement.anyRight ?? 0) + 1;
    if (count !== 1) continue;
    agreement.unanimous++;
    if (right(answers[0] ?? null)) {
      agreement.unanimousRight++;
      continue;
    }
    agreement.unanimousWrong++;
    if (right(transcript.votes[transcript.votes.length - 1]?.winner ?? null)) agreement.unanimousWrongEndedRight++;
  }
  agreement.meanDistinctAnswers = distinct / counted.length;
  return agreement;
}
