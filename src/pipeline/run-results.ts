/**
 * What a `maft run` has measured so far: `artifacts/results.json`, rewritten (atomically) after every stage
 * from the run's saved records (pure here: records in, results out; write-results.ts reads and writes).
 * `maft report` and `maft status` read this file and the run's records only, so everything a person looks at
 * is reproducible from the run directory.
 *
 * Which answers score each method on the held-out split (all problems count; no answer is wrong):
 *   base         agent 0's round-1 answer of base/eval       majority     base/eval's round-1 vote
 *   debate       base/eval's final vote                     multiagent-ft, single-agent-ft  final vote of <method>/iteration-k/eval
 *   majority-ft  the (one-round) vote of its eval           star         the single answer of its eval
 * Iteration 0 of a finetuning method is the base society scored the same way (debate, majority or base).
 */
import { accuracyOf } from '../evaluate/debate-metrics.js';
import { isEquivalent } from '../grading/equivalence.js';
import type { DebateTranscript, ModelCall } from '../spec/debate.js';
import type { AnswerType } from '../spec/problem.js';
import type { RegistryEntry } from '../train/model-registry.js';
import type { DatasetSize } from './method-data.js';
import { isFinetuneMethod, type FinetuneMethod, type MethodName } from './methods.js';
import { baseEvalStage, stageId } from './run-plan.js';

export type { DatasetSize } from './method-data.js';

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
}

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
  samples: DebateSample[];
}

type Selection = 'first-answer' | 'first-vote' | 'final-vote';

/** Where a method's score at an iteration comes from. */
export function scoreSource(method: MethodName, iteration: number): { stage: string; selection: Selection } {
  const selection: Selection = method === 'base' || method === 'star' ? 'first-answer'
    : method === 'majority' || (method === 'majority-ft' && iteration === 0) ? 'first-vote'
    : 'final-vote';
  const stage = iteration === 0 || !isFinetuneMethod(method) ? baseEvalStage : stageId(method, iteration, 'eval');
  return { stage, selection };
}

const callsOf = (transcript: DebateTranscript, selection: Selection): ModelCall[] =>
  transcript.agents.flatMap((agent) =>
    agent.turns
      .filter((turn) => (selection === 'final-vote' ? true : turn.round === 1 && (selection === 'first-vote' || agent.agent === 0)))
      .flatMap((turn) => (turn.summary ? [turn.response, turn.summary] : [turn.response])),
  );

/** Score transcripts the way `selection` says. */
export function scoreTranscripts(method: MethodName, iteration: number, transcripts: readonly DebateTranscript[], selection: Selection): MethodScore {
  let correct = 0;
  let missing = 0;
  let tokens = 0;
  let milliseconds = 0;
  let consensus = 0;
  const agents = Math.max(0, ...transcripts.map((transcript) => transcript.agents.length));
  const agentCorrect = new Array<number>(agents).fill(0);
  for (const transcript of transcripts) {
    const answerType = transcript.answerType as AnswerType;
    const right = (answer: string | null) => isEquivalent(answer, transcript.groundTruth, answerType, transcript.grading);
    const vote = selection === 'first-vote' ? transcript.votes[0] : transcript.votes[transcript.votes.length - 1];
    const given = selection === 'first-answer' ? (transcript.agents[0]?.turns[0]?.answer ?? null) : (vote?.winner ?? null);
    if (right(given)) correct++;
    if (given === null) missing++;
    for (const call of callsOf(transcript, selection)) {
      tokens += call.usage.promptTokens + call.usage.completionTokens;
      milliseconds += call.durationMs;
    }
    const winning = vote?.classes.find((group) => group.answer === vote.winner);
    consensus += (winning?.count ?? 0) / Math.max(1, transcript.agents.length);
    for (const agent of transcript.agents) {
      const turn = selection === 'first-vote' ? agent.turns[0] : agent.turns[agent.turns.length - 1];
      if (right(turn?.answer ?? null)) agentCorrect[agent.agent] = (agentCorrect[agent.agent] ?? 0) + 1;
    }
  }
  const problems = transcripts.length;
  const { accuracy, stderr } = accuracyOf(correct, problems);
  const society = selection !== 'first-answer' && agents > 1;
  return {
    method, iteration, problems, correct, accuracy, standardError: stderr, tokens, modelSeconds: milliseconds / 1000,
    noAnswerRate: problems === 0 ? 0 : missing / problems,
    ...(society ? { consensus: consensus / Math.max(1, problems), perAgentAccuracy: agentCorrect.map((count) => count / Math.max(1, problems)) } : {}),
  };
}

/** The scores of every method at every iteration whose evaluation stage is done. */
export function computeScores(
  methods: readonly MethodName[],
  iterations: number,
  evaluated: ReadonlyMap<string, readonly DebateTranscript[]>,
): MethodScore[] {
  const scores: MethodScore[] = [];
  for (const method of methods) {
    const last = isFinetuneMethod(method) ? iterations : 0;
    for (let iteration = 0; iteration <= last; iteration++) {
      const { stage, selection } = scoreSource(method, iteration);
      const transcripts = evaluated.get(stage);
      if (transcripts !== undefined) scores.push(scoreTranscripts(method, iteration, transcripts, selection));
    }
  }
  return scores;
}

export function trainingCurves(entries: readonly RegistryEntry[]): TrainingCurve[] {
  return entries
    .filter((entry) => entry.status === 'succeeded' && entry.result !== undefined)
    .map((entry) => ({
      method: entry.method, iteration: entry.iteration, agent: entry.agent, role: entry.role, rows: entry.rows,
      losses: entry.result?.losses ?? [], finalLoss: entry.result?.finalLoss ?? Number.NaN, seconds: (entry.result?.elapsedMs ?? 0) / 1000,
    }));
}

/** The first `count` held-out problems (in split order) of an evaluated stage, as the report shows them. */
export function sampleDebates(stage: string, method: MethodName, iteration: number, transcripts: readonly DebateTranscript[], problemIds: readonly string[], count: number): DebateSample[] {
  const byId = new Map(transcripts.map((transcript) => [transcript.problemId, transcript]));
  return problemIds.slice(0, count).flatMap((id) => {
    const transcript = byId.get(id);
    if (transcript === undefined) return [];
    const answerType = transcript.answerType as AnswerType;
    const right = (answer: string | null) => isEquivalent(answer, transcript.groundTruth, answerType, transcript.grading);
    const rounds = transcript.votes.map((_, round) =>
      transcript.agents.map((agent) => {
        const turn = agent.turns[round];
        return {
          text: turn?.response.text ?? '', answer: turn?.answer ?? null, correct: right(turn?.answer ?? null),
          ...(turn?.summary ? { summary: turn.summary.text } : {}),
        };
      }),
    );
    const vote = transcript.votes[transcript.votes.length - 1];
    return [{
      stage, method, iteration, problemId: id, question: transcript.question, groundTruth: transcript.groundTruth, rounds,
      vote: { winner: vote?.winner ?? null, classes: (vote?.classes ?? []).map(({ answer, count }) => ({ answer, count })) },
      correct: right(vote?.winner ?? null),
    }];
  });
}
