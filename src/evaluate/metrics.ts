import { isEquivalent } from '../grading/equivalence.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { AnswerType } from '../spec/problem.js';

/** An accuracy with its standard error over `n` problems: sqrt(p(1 − p) / n). */
export interface Accuracy {
  accuracy: number;
  stderr: number;
}

/**
 * The evaluation of a set of debates (the JSON `maft eval --json` prints; snake_case keys are its contract).
 * Every problem counts: one whose vote had no answer is wrong, never dropped from the denominator (the
 * released code drops them, which inflates accuracy — method.md).
 */
export interface DebateMetrics extends Accuracy {
  problems: number;
  /** Majority vote of each round against the ground truth (index 0 = round 1). */
  per_round: (Accuracy & { round: number })[];
  /** Each agent's own answer in each round against the ground truth. */
  per_agent: { agent: number; per_round: Accuracy[] }[];
  /** Mean share of agents whose final answer is in the winning class. */
  consensus: number;
  /** Share of all responses (every agent, every round) with no parsable answer. */
  no_answer_rate: number;
  /** Share of responses cut by the token limit (finish reason `length`). */
  truncated_rate: number;
  tokens: { prompt: number; completion: number };
  /** Sum of the model calls' wall times, summaries included (concurrent calls overlap). */
  model_time_ms: number;
}

export function accuracyOf(correct: number, total: number): Accuracy {
  if (total === 0) return { accuracy: 0, stderr: 0 };
  const accuracy = correct / total;
  return { accuracy, stderr: Math.sqrt((accuracy * (1 - accuracy)) / total) };
}

export function evaluateDebates(transcripts: readonly DebateTranscript[]): DebateMetrics {
  const rounds = Math.max(0, ...transcripts.map((transcript) => transcript.votes.length));
  const agents = Math.max(0, ...transcripts.map((transcript) => transcript.agents.length));
  const right = (given: string | null, transcript: DebateTranscript) =>
    isEquivalent(given, transcript.groundTruth, transcript.answerType as AnswerType);

  const roundCorrect = new Array<number>(rounds).fill(0);
  const agentCorrect = Array.from({ length: agents }, () => new Array<number>(rounds).fill(0));
  let consensus = 0;
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
  return {
    problems,
    ...accuracyOf(roundCorrect[rounds - 1] ?? 0, problems),
    per_round: roundCorrect.map((correct, index) => ({ round: index + 1, ...accuracyOf(correct, problems) })),
    per_agent: agentCorrect.map((row, agent) => ({ agent, per_round: row.map((correct) => accuracyOf(correct, problems)) })),
    consensus: problems === 0 ? 0 : consensus / problems,
    no_answer_rate: responses === 0 ? 0 : missing / responses,
    truncated_rate: responses === 0 ? 0 : truncated / responses,
    tokens: { prompt: promptTokens, completion: completionTokens },
    model_time_ms: modelTime,
  };
}
