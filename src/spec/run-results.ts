/**
 * What a `maft run` has measured: the shape of `artifacts/results.json` (written by src/pipeline/write-results.ts,
 * computed by src/evaluate/scores.ts), read by the views (report, status). Types only.
 */
import type { AnswerChanges } from './answer-changes.js';
import type { FirstRoundAgreement } from './first-round-agreement.js';
import type { FinetuneMethod, MethodName } from './methods.js';

/** The data one model of one method got at one iteration. */
export interface DatasetSize {
  method: FinetuneMethod;
  iteration: number;
  /** The agent (multiagent FT), or null for a method's one shared model. */
  agent: number | null;
  /** Generator rows (round-1 answers that agree with the majority; STaR: right answers). */
  generator: number;
  /**
   * One definition for every model, per agent or pooled: `corrected` / `confirmed` count the critic
   * *candidates* (D⁻: corrected during the debate; D⁺: right from the start) before the critic mix, summed
   * over the agents for a pooled model; `correctedKept` / `confirmedKept` count the rows the model trains on,
   * after the mix; `critic` = correctedKept + confirmedKept. STaR: `corrected` = hinted retries kept.
   */
  corrected: number;
  confirmed: number;
  correctedKept: number;
  confirmedKept: number;
  critic: number;
  /**
   * How often the labels are right (a read-only diagnostic: the ground truth never reaches the rows; see
   * finetune-data/label-accuracy.ts): `generatorRight` of the `generator` rows and `criticRight` of the `critic`
   * rows have an answer that is right against the problem's ground truth, graded as the eval grades. STaR: its
   * hinted retries (`corrected`) are kept only when right, so every one of them is right.
   * `criticCorrectedRight` of the `correctedKept` D⁻ rows (the answers the debate corrected) are right; the D⁺
   * rows' count is the difference, `criticRight − criticCorrectedRight` of `critic − correctedKept` (not stored).
   * The reference, what one agent achieves on the same problems: `firstRoundRight` of the source debate's
   * `firstRoundReplies` round-1 replies were right (the model's agent; every agent for a shared model; STaR:
   * its first attempts). Absent in runs made before these counts existed (`criticCorrectedRight`: before the
   * split by kind).
   */
  generatorRight?: number;
  criticRight?: number;
  criticCorrectedRight?: number;
  firstRoundReplies?: number;
  firstRoundRight?: number;
}

/** One method's accuracy on the held-out split after `iteration` finetuning iterations (0 = none). */
export interface MethodScore {
  method: MethodName;
  iteration: number;
  problems: number;
  correct: number;
  /** correct / problems; a problem with no parsable answer is wrong. */
  accuracy: number;
  /** Standard error sqrt(p(1 − p) / n). */
  standardError: number;
  /** Tokens of the calls the method's answers took (prompt + completion, summaries included). */
  tokens: number;
  /** Sum of those calls' durations, in seconds (concurrent calls overlap in wall time). */
  modelSeconds: number;
  /** Mean share of agents agreeing with the final majority (society methods). */
  consensus?: number;
  /** Each agent's own final-round accuracy (society methods). */
  perAgentAccuracy?: number[];
  /** Share of the scored answers with nothing parsable. */
  noAnswerRate: number;
  /**
   * Methods scored by a debate's final vote (debate, and the finetuned societies), when it has ≥ 2 rounds:
   * each round r ≥ 2, what the agents' answers did since round r − 1 (docs/answer-changes.md).
   */
  answerChanges?: AnswerChanges[];
  /**
   * The same methods (a debate's final vote scores them), for a society of ≥ 2 agents, one round or more: round
   * 1's answers, before anyone has seen anyone — distinct answers per problem, unanimous right / wrong, and the
   * unanimous-wrong problems the final vote got right (docs/diversity.md, "First-round agreement"). Absent in
   * a results.json written before it existed.
   */
  firstRoundAgreement?: FirstRoundAgreement;
}

/**
 * A society's diversity at one iteration (docs/diversity.md), the means over the sampled held-out debates. The
 * base society is `debate` at iteration 0. A measure the backend cannot give is null.
 */
export interface DiversityScore {
  method: MethodName;
  iteration: number;
  /** Debates measured (the first `diversity.problems` of the held-out split). */
  problems: number;
  consensus: number;
  likelihoodNll: number | null;
  agentKl: number | null;
  baseKl: number | null;
  embeddingDissimilarity: number | null;
  /**
   * Each mean's standard error over the measured debates, s / √n with s their sample standard deviation (the
   * same name as a MethodScore's accuracy ± `standardError`); null when fewer than 2 debates have the measure.
   */
  standardError: Record<DiversityMeasure, number | null>;
  embeddingModel: string | null;
}

/** The measures of a DiversityScore that have a mean and a standard error. */
export type DiversityMeasure = 'consensus' | 'likelihoodNll' | 'agentKl' | 'baseKl' | 'embeddingDissimilarity';

/** One training job's loss curve. */
export interface TrainingCurve {
  method: FinetuneMethod;
  iteration: number;
  agent: number | null;
  role: 'generator' | 'critic' | 'single';
  rows: number;
  /** Mean completion-token loss per optimizer step. */
  losses: number[];
  finalLoss: number;
  seconds: number;
  /** Rows cut at the head to fit the training window, and rows left out because their reply alone does not fit. */
  truncatedRows: number;
  droppedRows: number;
}

/** One debate shown in the report: each agent's answers round by round, and the vote. */
export interface DebateSample {
  stage: string;
  method: MethodName;
  iteration: number;
  problemId: string;
  question: string;
  groundTruth: string;
  /** rounds[r][n]: agent n's reply in round r + 1. */
  rounds: { text: string; answer: string | null; correct: boolean; summary?: string }[][];
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
  /**
   * Models that had rows but were not trained (fewer than the trainer's minimum, e.g. OpenAI's 10 examples):
   * each keeps its previous model. Present only when there is one.
   */
  skippedTraining?: SkippedTraining[];
  /** Per society with ≥ 2 agents and iteration, when `diversity.problems` > 0. */
  diversity: DiversityScore[];
  samples: DebateSample[];
}

/** A model left untrained in an iteration, and why. */
export interface SkippedTraining {
  method: FinetuneMethod;
  iteration: number;
  agent: number | null;
  role: 'generator' | 'critic' | 'single';
  rows: number;
  reason: string;
}
