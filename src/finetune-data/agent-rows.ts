/**
 * The rows one agent's own replies give (docs/method.md, "The loop", steps 2–3). Every function takes one agent
 * number and reads only that agent's conversation: an agent's datasets never hold another agent's replies
 * (the released code's hosted-API path gave every agent the last agent's data; independence is what keeps
 * the agents diverse).
 *
 * A reply that qualifies is still left out (and counted in `skipped`) when it cannot be trained on:
 * - it was cut by the token limit (finish reason `length`): a trainer appends an end of turn to every
 *   completion, so it would teach the model to stop mid-solution;
 * - it or a message before it is blank (see `hasOnlyNonBlankMessages`).
 */
import type { AgentOutcome, DebateOutcome } from './debate-outcome.js';
import { agreesWith } from './debate-outcome.js';
import {
  hasOnlyNonBlankMessages,
  type AssistantMessage,
  type TrainingRole,
  type TrainingRow,
  type TrainingRowKind,
} from './training-row.js';

/** Qualifying replies left out, by reason (an accumulator the builders add to). */
export interface SkippedReplies {
  truncated: number;
  blank: number;
}

/** The rows of one agent that its critic's mix is drawn from: D⁻ (corrected) and D⁺ (confirmed). */
export interface CriticCandidates {
  corrected: TrainingRow[];
  confirmed: TrainingRow[];
}

interface RowSource {
  outcome: DebateOutcome;
  agent: AgentOutcome;
  /** The round whose reply is the completion; the prompt is every message before it. */
  round: number;
  truncated: boolean;
  role: TrainingRole;
  kind: TrainingRowKind;
  answer: string;
  majority: string;
  iteration: number;
}

function rowOf(source: RowSource, skipped: SkippedReplies): TrainingRow[] {
  const conversation = source.agent.conversation.slice(0, 2 * source.round).map((message) => ({ ...message }));
  const last = conversation.pop();
  if (last === undefined || last.role !== 'assistant') return [];
  const completion: AssistantMessage = { role: 'assistant', content: last.content };
  if (source.truncated) {
    skipped.truncated++;
    return [];
  }
  if (!hasOnlyNonBlankMessages(conversation, completion)) {
    skipped.blank++;
    return [];
  }
  const metadata = {
    agent: source.agent.agent,
    role: source.role,
    iteration: source.iteration,
    problemId: source.outcome.problemId,
    sourceRound: source.round,
    kind: source.kind,
    answer: source.answer,
    majority: source.majority,
  };
  return [{ prompt: conversation, completion, metadata }];
}

/**
 * Step 2: (task prompt, round-1 reply) of `agent` for every debate where its round-1 answer ≡ the final
 * majority. A debate whose final vote has no winner gives no row.
 */
export function buildGeneratorRows(
  outcomes: readonly DebateOutcome[],
  agent: number,
  iteration: number,
  skipped: SkippedReplies = { truncated: 0, blank: 0 },
): TrainingRow[] {
  return outcomes.flatMap((outcome) => {
    const own = outcome.agents[agent];
    const majority = outcome.finalMajority;
    if (
      own === undefined ||
      majority === null ||
      !agreesWith(own.firstAnswer, majority, outcome.answerType, outcome.grading)
    )
      return [];
    const answer = own.firstAnswer as string;
    return rowOf(
      {
        outcome,
        agent: own,
        round: 1,
        truncated: own.firstTruncated,
        role: 'generator',
        kind: 'generator',
        answer,
        majority,
        iteration,
      },
      skipped,
    );
  });
}

/**
 * Step 3: `agent`'s conversation up to its final reply (prompt = every earlier message, completion = the final
 * reply) for every debate where its final answer ≡ the final majority; D⁻ when its round-1 answer ≢ the
 * majority (it was corrected, a missing round-1 answer included), D⁺ when it ≡. A one-round debate has no
 * critic turn and gives no critic row.
 */
export function buildCriticCandidates(
  outcomes: readonly DebateOutcome[],
  agent: number,
  iteration: number,
  skipped: SkippedReplies = { truncated: 0, blank: 0 },
): CriticCandidates {
  const candidates: CriticCandidates = { corrected: [], confirmed: [] };
  for (const outcome of outcomes) {
    const own = outcome.agents[agent];
    const majority = outcome.finalMajority;
    if (own === undefined || outcome.rounds < 2 || majority === null) continue;
    if (!agreesWith(own.finalAnswer, majority, outcome.answerType, outcome.grading)) continue;
    const confirmed = agreesWith(own.firstAnswer, majority, outcome.answerType, outcome.grading);
    const kind = confirmed ? 'critic-confirmed' : 'critic-corrected';
    const answer = own.finalAnswer as string;
    const rows = rowOf(
      {
        outcome,
        agent: own,
        round: outcome.rounds,
        truncated: own.finalTruncated,
        role: 'critic',
        kind,
        answer,
        majority,
        iteration,
      },
      skipped,
    );
    (confirmed ? candidates.confirmed : candidates.corrected).push(...rows);
  }
  return candidates;
}

/**
 * The Majority FT baseline (docs/method.md, baselines): `agent`'s round-1 replies that agree with the majority of
 * the round-1 answers, i.e. majority voting over independent answers, without debate. (Round-1 replies that
 * agree with the *final* majority are the generator rows already.)
 */
export function buildMajorityRows(outcomes: readonly DebateOutcome[], agent: number, iteration: number): TrainingRow[] {
  const skipped: SkippedReplies = { truncated: 0, blank: 0 };
  return outcomes.flatMap((outcome) => {
    const own = outcome.agents[agent];
    const majority = outcome.firstRoundMajority;
    if (
      own === undefined ||
      majority === null ||
      !agreesWith(own.firstAnswer, majority, outcome.answerType, outcome.grading)
    )
      return [];
    const answer = own.firstAnswer as string;
    return rowOf(
      {
        outcome,
        agent: own,
        round: 1,
        truncated: own.firstTruncated,
        role: 'generator',
        kind: 'majority',
        answer,
        majority,
        iteration,
      },
      skipped,
    );
  });
}
