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
import { accuracyOf } from './metrics.js';
import { countAnswerChanges } from './answer-changes.js';
import { countFirstRoundAgreement } from './first-round-agreement.js';
import { isEquivalent } from '../grading/equivalence.js';
import type { DebateTranscript, ModelCall } from '../spec/debate.js';
import type { AnswerType } from '../spec/problem.js';
import type { RegistryEntry } from '../finetune/model-registry.js';
import { isFinetuneMethod, type MethodName } from '../spec/methods.js';
import type { DebateSample, MethodScore, TrainingCurve } from '../spec/run-results.js';
import { baseEvalStage, stageId } from '../run-store/run-plan.js';

type Selection = 'first-answer' | 'first-vote' | 'final-vote';

/** Where a method's score at an iteration comes from. */
export function scoreSource(method: MethodName, iteration: number): { stage: string; selection: Selection } {
  const selection: Selection =
    method === 'base' || method === 'star'
      ? 'first-answer'
      : method === 'majority' || (method === 'majority-ft' && iteration === 0)
        ? 'first-vote'
        : 'final-vote';
  const stage = iteration === 0 || !isFinetuneMethod(method) ? baseEvalStage : stageId(method, iteration, 'eval');
  return { stage, selection };
}

const callsOf = (transcript: DebateTranscript, selection: Selection): ModelCall[] =>
  transcript.agents.flatMap((agent) =>
    agent.turns
      .filter((turn) =>
        selection === 'final-vote' ? true : turn.round === 1 && (selection === 'first-vote' || agent.agent === 0),
      )
      .flatMap((turn) => (turn.summary ? [turn.response, turn.summary] : [turn.response])),
  );

/** The answer that scores a transcript the way `selection` says (null: none, which counts as wrong). */
function scoredAnswer(transcript: DebateTranscript, selection: Selection): string | null {
  if (selection === 'first-answer') return transcript.agents[0]?.turns[0]?.answer ?? null;
  const vote = selection === 'first-vote' ? transcript.votes[0] : transcript.votes[transcript.votes.length - 1];
  return vote?.winner ?? null;
}

/** Problem id → whether its scored answer (`selection`) is right: what `scoreTranscripts` counts, per problem. */
export function rightByProblem(transcripts: readonly DebateTranscript[], selection: Selection): Map<string, boolean> {
  return new Map(
    transcripts.map((transcript) => [
      transcript.problemId,
      isEquivalent(
        scoredAnswer(transcript, selection),
        transcript.groundTruth,
        transcript.answerType as AnswerType,
        transcript.grading,
      ),
    ]),
  );
}

/** Score transcripts the way `selection` says. */
export function scoreTranscripts(
  method: MethodName,
  iteration: number,
  transcripts: readonly DebateTranscript[],
  selection: Selection,
): MethodScore {
  let correct = 0;
  let missing = 0;
  let tokens = 0;
  let milliseconds = 0;
  let consensus = 0;
  const agents = Math.max(0, ...transcripts.map((transcript) => transcript.agents.length));
  const agentCorrect = new Array<number>(agents).fill(0);
  for (const transcript of transcripts) {
    const answerType = transcript.answerType as AnswerType;
    const right = (answer: string | null) =>
      isEquivalent(answer, transcript.groundTruth, answerType, transcript.grading);
    const vote = selection === 'first-vote' ? transcript.votes[0] : transcript.votes[transcript.votes.length - 1];
    const given = scoredAnswer(transcript, selection);
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
  const { accuracy, standardError } = accuracyOf(correct, problems);
  const society = selection !== 'first-answer' && agents > 1;
  const answerChanges = selection === 'final-vote' ? countAnswerChanges(transcripts) : [];
  const firstRoundAgreement = selection === 'final-vote' ? countFirstRoundAgreement(transcripts) : undefined;
  return {
    method,
    iteration,
    problems,
    correct,
    accuracy,
    standardError,
    tokens,
    modelSeconds: milliseconds / 1000,
    noAnswerRate: problems === 0 ? 0 : missing / problems,
    ...(society
      ? {
          consensus: consensus / Math.max(1, problems),
          perAgentAccuracy: agentCorrect.map((count) => count / Math.max(1, problems)),
        }
      : {}),
    ...(answerChanges.length > 0 ? { answerChanges } : {}),
    ...(firstRoundAgreement ? { firstRoundAgreement } : {}),
  };
}

/** The scores of every method at every iteration whose evaluation stage is done. */
export function computeScores(
  methods: readonly MethodName[],
  iterations: number | ((method: MethodName) => number),
  evaluated: ReadonlyMap<string, readonly DebateTranscript[]>,
): MethodScore[] {
  const scores: MethodScore[] = [];
  for (const method of methods) {
    const last = !isFinetuneMethod(method) ? 0 : typeof iterations === 'number' ? iterations : iterations(method);
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
      method: entry.method,
      iteration: entry.iteration,
      agent: entry.agent,
      role: entry.role,
      rows: entry.rows,
      losses: entry.result?.losses ?? [],
      finalLoss: entry.result?.finalLoss ?? Number.NaN,
      seconds: (entry.result?.elapsedMs ?? 0) / 1000,
      truncatedRows: entry.result?.truncatedRows ?? 0,
      droppedRows: entry.result?.droppedRows ?? 0,
    }));
}

/** The first `count` held-out problems (in split order) of an evaluated stage, as the report shows them. */
export function sampleDebates(
  stage: string,
  method: MethodName,
  iteration: number,
  transcripts: readonly DebateTranscript[],
  problemIds: readonly string[],
  count: number,
): DebateSample[] {
  const byId = new Map(transcripts.map((transcript) => [transcript.problemId, transcript]));
  return problemIds.slice(0, count).flatMap((id) => {
    const transcript = byId.get(id);
    if (transcript === undefined) return [];
    const answerType = transcript.answerType as AnswerType;
    const right = (answer: string | null) =>
      isEquivalent(answer, transcript.groundTruth, answerType, transcript.grading);
    const rounds = transcript.votes.map((_, round) =>
      transcript.agents.map((agent) => {
        const turn = agent.turns[round];
        return {
          text: turn?.response.text ?? '',
          answer: turn?.answer ?? null,
          correct: right(turn?.answer ?? null),
          ...(turn?.summary ? { summary: turn.summary.text } : {}),
        };
      }),
    );
    const vote = transcript.votes[transcript.votes.length - 1];
    return [
      {
        stage,
        method,
        iteration,
        problemId: id,
        question: transcript.question,
        groundTruth: transcript.groundTruth,
        rounds,
        vote: {
          winner: vote?.winner ?? null,
          classes: (vote?.classes ?? []).map(({ answer, count }) => ({ answer, count })),
        },
        correct: right(vote?.winner ?? null),
      },
    ];
  });
}
