/**
 * What the datasets need from one debate transcript, checked once: the majorities to agree with, and each
 * agent's conversation with its round-1 and final answers. A transcript whose shape breaks the debate's
 * contract (src/spec/debate.ts) is refused with INPUT_INVALID naming the problem, never half used.
 */
import { MaftError } from '../errors/maft-error.js';
import { isEquivalent } from '../grading/equivalence.js';
import type { GradingMode } from '../grading/grading-mode.js';
import type { ChatMessage } from '../spec/chat-model.js';
import type { DebateTranscript } from '../spec/debate.js';
import { answerTypes, type AnswerType } from '../spec/problem.js';

export interface AgentOutcome {
  agent: number;
  /** user, assistant, user, assistant, …: one user prompt and one reply per round. */
  conversation: readonly ChatMessage[];
  firstAnswer: string | null;
  finalAnswer: string | null;
  /** The round-1 / final reply was cut by the token limit (finish reason `length`). */
  firstTruncated: boolean;
  finalTruncated: boolean;
}

export interface DebateOutcome {
  problemId: string;
  answerType: AnswerType;
  /** How the debate was graded (its vote and every agreement with its majority). */
  grading: GradingMode;
  rounds: number;
  /** ŷ: the winner of the last round's vote (docs/method.md step 1); null when no agent gave an answer. */
  finalMajority: string | null;
  /** The winner of round 1's vote: the majority of independent answers (the Majority baseline). */
  firstRoundMajority: string | null;
  /** Indexed by agent number. */
  agents: AgentOutcome[];
}

/**
 * The order of every dataset: by problem id, compared by code units (the same on every platform), so the
 * output depends on which debates a run holds, not on the order they finished in.
 */
export function compareProblemIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `answer ≡ majority` under the problem's answer type; a missing answer or majority never agrees. */
export function agreesWith(
  answer: string | null,
  majority: string | null,
  answerType: AnswerType,
  grading: GradingMode = 'default',
): boolean {
  return isEquivalent(answer, majority, answerType, grading);
}

export function readDebateOutcome(transcript: DebateTranscript): DebateOutcome {
  const fail = (message: string): never => {
    throw new MaftError(
      'INPUT_INVALID',
      `debate record of problem ${JSON.stringify(transcript.problemId)}: ${message}`,
    );
  };
  const answerType = transcript.answerType as AnswerType;
  if (!answerTypes.includes(answerType)) fail(`unknown answer type ${JSON.stringify(transcript.answerType)}`);
  const rounds = transcript.votes.length;
  if (rounds === 0) fail('no rounds');
  if (transcript.agents.length === 0) fail('no agents');
  const agents = transcript.agents.map((agent, index): AgentOutcome => {
    if (agent.agent !== index) fail(`agent ${agent.agent} is at position ${index}`);
    if (agent.turns.length !== rounds) fail(`agent ${index} has ${agent.turns.length} turns for ${rounds} votes`);
    if (agent.conversation.length !== 2 * rounds) fail(`agent ${index}'s conversation does not hold ${rounds} rounds`);
    agent.conversation.forEach((message, position) => {
      const expected = position % 2 === 0 ? 'user' : 'assistant';
      if (message.role !== expected) fail(`agent ${index}'s message ${position} is ${message.role}, not ${expected}`);
    });
    return {
      agent: index,
      conversation: agent.conversation,
      firstAnswer: agent.turns[0]?.answer ?? null,
      finalAnswer: agent.turns[rounds - 1]?.answer ?? null,
      firstTruncated: agent.turns[0]?.response.finishReason === 'length',
      finalTruncated: agent.turns[rounds - 1]?.response.finishReason === 'length',
    };
  });
  return {
    problemId: transcript.problemId,
    answerType,
    grading: transcript.grading ?? 'default',
    rounds,
    finalMajority: transcript.votes[rounds - 1]?.winner ?? null,
    firstRoundMajority: transcript.votes[0]?.winner ?? null,
    agents,
  };
}
