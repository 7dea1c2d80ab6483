/** One equivalence class of a society's answers. */
export interface VoteClass {
  /** The class's representative: the first answer (in agent order) that formed it. */
  answer: string;
  /** Indices (agent numbers) of the answers in this class. */
  members: number[];
  count: number;
}

/** The outcome of a vote, kept whole so reports and datasets can show how the majority was reached. */
export interface Vote {
  /** The winning class's representative, or null when every answer was missing. */
  winner: string | null;
  /** All classes, largest first (ties in agent order of first appearance). */
  classes: VoteClass[];
  /** True when the winner was drawn among several classes of the same, largest size. */
  tied: boolean;
  /** How many answers were missing (null); they never vote. */
  missing: number;
}
