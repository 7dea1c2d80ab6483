/**
 * What the agents' answers did between two consecutive rounds of a debate (computed by
 * src/evaluate/answer-changes.ts; defined with their rules in docs/answer-changes.md). Types only: the same
 * camelCase names in the library, `maft eval --json` (`answerChanges`) and results.json (`scores[].answerChanges`).
 */

/** One case of what the others said: how many agent turns fell in it, kept their answer, ended right. */
export interface AnswerChangeCase {
  turns: number;
  /** The round-r answer is equivalent to the agent's own round r − 1 answer (both parsable). */
  kept: number;
  /** The round-r answer is right (graded as the accuracy is). */
  endedRight: number;
}

/**
 * Round r − 1 → round r (r ≥ 2), over every agent of every debate that has both rounds. A missing answer is
 * wrong; it is never "the same" as another answer, not even another missing one (src/grading/equivalence.ts).
 * rightToRight + rightToWrong + wrongToRight + wrongToSameWrong + wrongToOtherWrong = turns.
 */
export interface AnswerChanges {
  /** r: the round the answers moved to (from round r − 1). */
  round: number;
  /** Agent turns compared (agents × debates with both rounds). */
  turns: number;
  rightToRight: number;
  rightToWrong: number;
  wrongToRight: number;
  /** Wrong → the same wrong answer (both parsable and equivalent). */
  wrongToSameWrong: number;
  /** Wrong → wrong otherwise: another wrong answer, or a missing answer on either side. */
  wrongToOtherWrong: number;
  /** Turns whose round r − 1 answer was missing (counted wrong above). */
  fromNoAnswer: number;
  /** Turns whose round r answer is missing (counted wrong above). */
  toNoAnswer: number;
  /**
   * By the round r − 1 answers of the others the agent was shown (`AgentTurn.shownAgents`; all others unless
   * `society.maxOthers`): `confirmed` — every one of them gave the agent's own answer; `contradicted` — they
   * agree among themselves on an answer that is not the agent's; `mixed` — anything else, including any missing
   * answer (the agent's own or a shown one). With N ≥ 2 every turn is in exactly one case; with N = 1 (no
   * others) in none: the three cases are 0.
   */
  confirmed: AnswerChangeCase;
  contradicted: AnswerChangeCase;
  mixed: AnswerChangeCase;
}
