import type { ChatMessage, FinishReason, TokenUsage } from './chat-model.js';
import type { Vote } from './vote.js';

/** What one model call produced, kept whole for datasets, reports and audits. */
export interface ModelCall {
  text: string;
  thoughts?: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  modelId: string;
  seed: number;
  durationMs: number;
}

/** One agent's turn in one round. */
export interface AgentTurn {
  /** 1-based round number. */
  round: number;
  /** Round 1 is answered by the agent's generator, rounds ≥ 2 by its critic. */
  role: 'generator' | 'critic';
  /** The other agents whose previous answers this turn was shown (empty in round 1 and when N = 1). */
  shownAgents: number[];
  /** The summary of the others' answers this turn was shown, when summarisation is on. */
  summary?: ModelCall;
  response: ModelCall;
  /** The answer extracted from the response; null when none was parsable (always wrong). */
  answer: string | null;
}

/** One agent's whole debate: its conversation (user prompts and its own replies) and its turns. */
export interface AgentTranscript {
  agent: number;
  /** user, assistant, user, assistant, … — round r's reply is message 2r - 1 (0-based). */
  conversation: ChatMessage[];
  turns: AgentTurn[];
}

/** A debate over one problem: every agent's transcript and the vote of every round. */
export interface DebateTranscript {
  problemId: string;
  question: string;
  groundTruth: string;
  answerType: string;
  agents: AgentTranscript[];
  /** Majority vote of each round (index 0 = round 1); the last one is the debate's answer. */
  votes: Vote[];
}

/** STaR's attempt at one finetune problem (src/debate/star-attempt.ts). */
export interface StarRecord {
  problemId: string;
  /** The first answer: a one-agent, one-round debate (the seed a lone agent's round 1 uses). */
  attempt: DebateTranscript;
  /** The retry with the hint, when the first answer was wrong. */
  hinted?: { prompt: string; response: ModelCall; answer: string | null; correct: boolean };
}
