import { isEquivalent } from '../grading/equivalence.js';
import { countAnswerChanges, type AnswerChanges } from './answer-changes.js';
import { countFirstRoundAgreement, type FirstRoundAgreement } from './first-round-agreement.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { AnswerType } from '../spec/problem.js';

/**
 * maft's metrics (the one vocabulary: these camelCase names are the library's, `--json` output's and
 * results.json's). Every problem counts: one whose answer is missing is wrong, never dropped from the
 * denominator (the released code drops them, which inflates accuracy — docs/method.md).
 *
 * The no-answer rate has one definition everywhere: the share of *scored* answers (for a debate, the final
 * vote's; for a method score, whatever answer scores it) with nothing parsable. The share of every single
 * reply with no parsable answer is a different quantity and has its own name, `unparsedReplyRate`.
 */

/** An accuracy with its standard error over `n` problems: sqrt(p(1 − p) / n). */
export interface Accuracy {
  accuracy: number;
  standardError: number;
}

/** The evaluation of a set of debates (what `maft debate` and `maft eval` print; `maft eval --json` as is). */
export interface DebateMetrics extends Accuracy {
  problems: number;
  /** Majority vote of each round against the ground truth (index 0 = round 1). */
  perRound: (Accuracy & { round: number })[];
  /** Each agent's own answer in each round against the ground truth. */
  perAgent: { agent: number; perRound: Accuracy[] }[];
  /** Mean share of agents whose final answer is in the winning class. */
  consensus: number;
  /** Share of problems whose final vote has no answer (the scored answer: see above). */
  noAnswerRate: number;
  /** Share of all replies (every agent, every round) with no parsable answer. */
  unparsedReplyRate: number;
  /** Share of replies cut by the token limit (finish reason `length`). */
  truncatedReplyRate: number;
  /** Tokens of every call, summaries included: prompt + completion, and each. */
  tokens: number;
  promptTokens: number;
  completionTokens: number;
  /** Sum of the model calls' durations in seconds, summaries included (concurrent calls overlap). */
  modelSeconds: number;
  /** Each round r ≥ 2: what the agents' answers did since round r − 1, and by what the others said (docs/answer-changes.md). */
  answerChanges: AnswerChanges[];
  /**
   * Round 1's answers, before anyone has seen anyone: distinct answers per problem, unanimous right / wrong, and
   * the unanimous-wrong ones the final vote got right (docs/diversity.md, "First-round agreement"). Absent for
   * a society of one agent.
   */
  firstRoundAgreement?: FirstRoundAgreement;
}

export function accuracyOf(correct: number, total: number): Accuracy {
  if (total === 0) return { accuracy: 0, standardError: 0 };
  const accuracy = correct / total;
  return { accuracy, standardError: Math.sqrt((accuracy * (1 - accuracy)) / total) };
}

export function evaluateDebates(transcripts: readonly DebateTranscript[]): DebateMetrics {
  const rounds = Math.max(0, ...transcripts.map((transcript) => transcript.votes.length));
  const agents = Math.max(0, ...transcripts.map((transcript) => transcript.agents.length));
  const right = (given: string | null, transcript: DebateTranscript) =>
    isEquivalent(given, transcript.groundTruth, transcript.answerType as AnswerType, transcript.grading);

  const roundCorrect = new Array<number>(rounds).fill(0);
  const agentCorrect = Array.from({ length: agents }, () => new Array<number>(rounds).fill(0));
  let consensus = 0;
  let noFinalAnswer = 0;
  let responses = 0;
  let missing = 0;
  let truncated = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let modelTime = 0;
  for (const transcript of transcripts) {
    transcript.votes.forEach((vote, round) => {
      if (right(vote.winner, transcript)) roundCorrect[round] = (roundCorrect[round] ?? 0) + 1;
    });
    const final = transcript.votes[transcript.votes.length - 1];
    if ((final?.winner ?? null) === null) noFinalAnswer++;
    const winning = final?.classes.find((group) => group.answer === final.winner);
    consensus += (winning?.count ?? 0) / Math.max(1, transcript.agents.length);
    for (const agent of transcript.agents) {
      for (const turn of agent.turns) {
        const row = agentCorrect[agent.agent];
        if (row && right(turn.answer, transcript)) row[turn.round - 1] = (row[turn.round - 1] ?? 0) + 1;
        responses++;
        if (turn.answer === null) missing++;
        if (turn.response.finishReason === 'length') truncated++;
        for (const call of turn.summary ? [turn.response, turn.summary] : [turn.response]) {
          promptTokens += call.usage.promptTokens;
          completionTokens += call.usage.completionTokens;
          modelTime += call.durationMs;
        }
      }
    }
  }
  const problems = transcripts.length;
  const firstRoundAgreement = countFirstRoundAgreement(transcripts);
  return {
    problems,
    ...accuracyOf(roundCorrect[rounds - 1] ?? 0, problems),
    perRound: roundCorrect.map((correct, index) => ({ round: index + 1, ...accuracyOf(correct, problems) })),
    perAgent: agentCorrect.map((row, agent) => ({
      agent,
      perRound: row.map((correct) => accuracyOf(correct, problems)),
    })),
    consensus: problems === 0 ? 0 : consensus / problems,
    noAnswerRate: problems === 0 ? 0 : noFinalAnswer / problems,
    unparsedReplyRate: responses === 0 ? 0 : missing / responses,
    truncatedReplyRate: responses === 0 ? 0 : truncated / responses,
    tokens: promptTokens + completionTokens,
    promptTokens,
    completionTokens,
    modelSeconds: modelTime / 1000,
    answerChanges: countAnswerChanges(transcripts),
    ...(firstRoundAgreement ? { firstRoundAgreement } : {}),
  };
}
