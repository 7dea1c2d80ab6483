/**
 * What a `maft run` has measured so far: `artifacts/results.json`, rewritten (atomically) after every stage
 * from the run's records. `maft report` and `maft status` read this file and nothing else, so everything a
 * person looks at is reproducible from the run directory.
 */

/**
 * The methods `maft run` can evaluate on the held-out split (method.md "Baselines"):
 * - `base`: one agent, one answer (agent 0's round-1 answer of the base society's debate — an independent sample).
 * - `majority`: N independent answers, majority vote (the base society's round-1 vote: no debate).
 * - `debate`: the base society's debate, no finetuning.
 * - `multiagent-ft`: the method — every agent's generator and critic finetuned on its own share, iterated.
 * - `single-agent-ft`: one model finetuned on the pooled debate data, used as every agent, iterated.
 * - `majority-ft`: one model finetuned on every agent's round-1 answers that agree with the majority, iterated.
 * - `star`: one model finetuned on its own correct answers (wrong ones retried with the true answer as a hint,
 *   kept when then right), iterated; uses the ground truth, unlike the others.
 */
export const methodNames = ['base', 'majority', 'debate', 'multiagent-ft', 'single-agent-ft', 'majority-ft', 'star'] as const;
export type MethodName = (typeof methodNames)[number];

/** One method's accuracy on the held-out split after `iteration` finetuning iterations (0 = no finetuning). */
export interface MethodScore {
  method: MethodName;
  iteration: number;
  problems: number;
  correct: number;
  /** correct / problems; a problem with no parsable answer is wrong. */
  accuracy: number;
  /** Standard error sqrt(p(1 − p) / n). */
  standardError: number;
  /** Tokens this evaluation spent (prompt + completion, summaries included). */
  tokens: number;
  /** Wall time of this evaluation in seconds (0 for methods read off another method's debate). */
  wallSeconds: number;
  /** Mean share of agents agreeing with the final majority (society methods only). */
  consensus?: number;
  /** Each agent's own final-round accuracy (society methods only). */
  perAgentAccuracy?: number[];
}

/** The finetuning data one model of one method got at one iteration. */
export interface DatasetSize {
  method: MethodName;
  iteration: number;
  /** The agent (multiagent-ft), or null for a method's single shared model. */
  agent: number | null;
  /** Generator rows (round-1 answers that agree with the majority). */
  generator: number;
  /** Critic rows where the agent was corrected during the debate (D⁻), before the w mix. */
  corrected: number;
  /** Critic rows where the agent stayed right (D⁺), before the w mix. */
  confirmed: number;
  /** Critic rows after the w mix (what the critic trains on). */
  critic: number;
}

/** One training job's loss curve. */
export interface TrainingCurve {
  method: MethodName;
  iteration: number;
  agent: number | null;
  /** `generator`/`critic` (multiagent-ft) or `single` (one model for every role). */
  role: 'generator' | 'critic' | 'single';
  rows: number;
  /** Mean completion-token loss per optimizer step. */
  losses: number[];
  finalLoss: number;
  seconds: number;
}

/** One debate shown in the report: each agent's answers round by round and the vote. */
export interface DebateSample {
  method: MethodName;
  iteration: number;
  problemId: string;
  question: string;
  groundTruth: string;
  /** rounds[r][n]: agent n's reply in round r + 1. */
  rounds: { text: string; answer: string | null; correct: boolean }[][];
  /** The final vote: each equivalence class with its count, and the winner. */
  vote: { winner: string | null; classes: { answer: string; count: number }[] };
  correct: boolean;
}

export interface RunResults {
  maftVersion: string;
  /** When the results were last written (ISO 8601). */
  updatedAt: string;
  task: string;
  model: string;
  agents: number;
  rounds: number;
  iterations: number;
  finetuneProblems: number;
  evalProblems: number;
  methods: MethodName[];
  /** Stages done / all stages of the plan, and whether the run is finished. */
  progress: { done: number; total: number; finished: boolean };
  scores: MethodScore[];
  datasets: DatasetSize[];
  training: TrainingCurve[];
  samples: DebateSample[];
}
