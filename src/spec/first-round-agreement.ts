/**
 * How much a society's agents agree in round 1, before any of them has seen another's answer (computed by
 * src/evaluate/first-round-agreement.ts; defined in docs/diversity.md, "First-round agreement"). Types only: the
 * same camelCase names in the library, `maft eval --json` (`firstRoundAgreement`) and results.json
 * (`scores[].firstRoundAgreement`).
 */

/**
 * Over every debate with ≥ 2 agents. Answers are compared with the equivalence the vote clusters them with; a
 * missing answer is distinct from every answer, another missing one included, so a debate with a missing
 * round-1 answer is never unanimous. unanimousRight + unanimousWrong = unanimous.
 */
export interface FirstRoundAgreement {
  /** Debates counted (problems). */
  problems: number;
  /** Mean over the debates of the number of distinct round-1 answers (1 = unanimous … N = all different). */
  meanDistinctAnswers: number;
  /**
   * Debates where at least one agent's round-1 answer is right: pass@N over the first answers, what a society
   * of N agents can still find before any debate. Absent in results.json written before maft counted it.
   */
  anyRight?: number;
  /** Debates whose round-1 answers are all the same (all parsable, all equivalent). */
  unanimous: number;
  /** Unanimous on the right answer. */
  unanimousRight: number;
  /** Unanimous on a wrong answer: the agents agree before any debate, and agree wrongly. */
  unanimousWrong: number;
  /** Of the unanimousWrong debates, those whose final vote is right (the debate fixed them). */
  unanimousWrongEndedRight: number;
}
