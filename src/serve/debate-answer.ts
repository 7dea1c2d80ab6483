/**
 * From a finished debate to the OpenAI answer (pure). The answer is the final-round reply of an agent in the
 * majority: the lowest-numbered member of the final vote's winning class (agent 0 when no reply had a parsable
 * answer). Usage counts every call the debate made: each agent's replies and the summaries written for it.
 * The whole debate travels in the extension field `maft` (schema: docs/serve.md).
 */
import type { FinishReason, TokenUsage } from '../spec/chat-model.js';
import type { DebateTranscript, ModelCall } from '../spec/debate.js';

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface DebateReplyExtension {
  agent: number;
  role: 'generator' | 'critic';
  model: string;
  text: string;
  answer: string | null;
  finish_reason: OpenAiFinishReason;
  usage: OpenAiUsage;
  /** The other agents whose previous replies (or their summary) this reply was shown. */
  shown_agents: number[];
  summary?: { text: string; model: string; usage: OpenAiUsage };
}

export interface DebateExtension {
  society: string;
  seed: number;
  answer_type: string;
  /** The question the society debated (see problem-from-messages.ts). */
  question: string;
  agents: number;
  /** The final vote's winner (null: no reply had a parsable answer). */
  answer: string | null;
  /** The agent whose final-round reply is the message. */
  chosen_agent: number;
  rounds: {
    round: number;
    replies: DebateReplyExtension[];
    vote: {
      winner: string | null;
      classes: { answer: string; members: number[]; count: number }[];
      tied: boolean;
      missing: number;
      /** Winning class size minus the runner-up's (0 on a tie; the winner's size when it stands alone). */
      margin: number;
    };
  }[];
  /** Every token each agent's turns cost, summaries written for it included. */
  tokens_per_agent: { agent: number; prompt_tokens: number; completion_tokens: number }[];
}

export type OpenAiFinishReason = 'stop' | 'length';

export const toOpenAiFinishReason = (reason: FinishReason): OpenAiFinishReason =>
  reason === 'length' ? 'length' : 'stop';

export const toOpenAiUsage = (usage: TokenUsage): OpenAiUsage => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
});

export function addUsage(total: TokenUsage, call: { usage: TokenUsage }): TokenUsage {
  return {
    promptTokens: total.promptTokens + call.usage.promptTokens,
    completionTokens: total.completionTokens + call.usage.completionTokens,
  };
}

export interface DebateAnswer {
  text: string;
  finishReason: OpenAiFinishReason;
  usage: OpenAiUsage;
  extension: DebateExtension;
}

export function debateAnswer(transcript: DebateTranscript, society: string, seed: number): DebateAnswer {
  const finalVote = transcript.votes[transcript.votes.length - 1];
  const winning = finalVote?.classes.find((group) => group.answer === finalVote.winner);
  const chosen = winning?.members.slice().sort((a, b) => a - b)[0] ?? 0;
  const chosenTurn = transcript.agents[chosen]?.turns[transcript.votes.length - 1];
  let total: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const perAgent = transcript.agents.map((agent) => {
    let own: TokenUsage = { promptTokens: 0, completionTokens: 0 };
    for (const turn of agent.turns) {
      own = addUsage(own, turn.response);
      if (turn.summary !== undefined) own = addUsage(own, turn.summary);
    }
    total = addUsage(total, { usage: own });
    return { agent: agent.agent, prompt_tokens: own.promptTokens, completion_tokens: own.completionTokens };
  });
  const rounds = transcript.votes.map((vote, index) => {
    const sizes = vote.classes.map((group) => group.count);
    return {
      round: index + 1,
      replies: transcript.agents.flatMap((agent) => {
        const turn = agent.turns[index];
        if (turn === undefined) return [];
        return [
          {
            agent: agent.agent,
            role: turn.role,
            model: turn.response.modelId,
            text: turn.response.text,
            answer: turn.answer,
            finish_reason: toOpenAiFinishReason(turn.response.finishReason),
            usage: toOpenAiUsage(turn.response.usage),
            shown_agents: turn.shownAgents,
            ...(turn.summary !== undefined ? { summary: summaryOf(turn.summary) } : {}),
          },
        ];
      }),
      vote: {
        winner: vote.winner,
        classes: vote.classes.map(({ answer, members, count }) => ({ answer, members, count })),
        tied: vote.tied,
        missing: vote.missing,
        margin: vote.winner === null ? 0 : (sizes[0] ?? 0) - (sizes[1] ?? 0),
      },
    };
  });
  return {
    text: chosenTurn?.response.text ?? '',
    finishReason: toOpenAiFinishReason(chosenTurn?.response.finishReason ?? 'stop'),
    usage: toOpenAiUsage(total),
    extension: {
      society,
      seed,
      answer_type: transcript.answerType,
      question: transcript.question,
      agents: transcript.agents.length,
      answer: finalVote?.winner ?? null,
      chosen_agent: chosen,
      rounds,
      tokens_per_agent: perAgent,
    },
  };
}

const summaryOf = (call: ModelCall) => ({ text: call.text, model: call.modelId, usage: toOpenAiUsage(call.usage) });
