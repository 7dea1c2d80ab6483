import type { ChatMessage, ChatModel, ChatResponse, SamplingOptions } from '../spec/chat-model.js';
import type { AgentTranscript, AgentTurn, DebateTranscript, ModelCall } from '../spec/debate.js';
import type { Problem } from '../spec/problem.js';
import { isEquivalent } from '../grading/equivalence.js';
import { extractAnswer, type ExtractionOptions } from '../grading/extract-answer.js';
import { majorityVote } from '../vote/majority-vote.js';
import { createRandom, deriveSeed, shuffled } from '../util/random.js';
import { renderOtherResponses, renderPrompt, type PromptTemplates } from './prompts.js';

/** One agent of the society: round 1 is answered by its generator, rounds ≥ 2 by its critic. */
export interface DebateAgent {
  generator: ChatModel;
  critic: ChatModel;
}

export interface DebateSettings {
  /** Rounds M ≥ 1 (the paper: 2). */
  rounds: number;
  /** K: at most this many other agents' answers are shown to a critic, chosen by a seeded shuffle. */
  maxOthers: number;
  /** Show critics a summary of the others' answers instead of the answers (the paper: on). */
  summarize: boolean;
  /** Writes the summaries (the base model by default); required when summarize is on and N > 1. */
  summarizer?: ChatModel;
  /** temperature, topP, maxTokens of every call; seeds are derived per call from `seed`. */
  sampling: Omit<SamplingOptions, 'seed'>;
  /** The run's seed: every call's seed, every shuffle and every tie-break derive from it. */
  seed: number;
  answerType: Problem['answerType'];
  extraction: ExtractionOptions;
  templates: PromptTemplates;
  /** The unique-ID ablation (App. E.2): each agent's first prompt names it ("You are agent 2 of 3."). Default off. */
  uniqueIds?: boolean;
}

/** The line the unique-ID ablation puts before an agent's first prompt. */
export function agentIdentity(index: number, agents: number): string {
  return `You are agent ${index + 1} of ${agents}.`;
}

/**
 * Debate one problem (docs/method.md, "The loop", step 1): round 1, every generator answers; each later round,
 * every critic continues its own conversation after seeing the others' previous answers (or a summary of
 * them, or — alone — a request to re-check); each round ends with an equivalence-clustered majority vote.
 * All agents of a round run concurrently, so a backend can batch them.
 */
export async function debateProblem(
  problem: Problem,
  agents: readonly DebateAgent[],
  settings: DebateSettings,
): Promise<DebateTranscript> {
  if (agents.length === 0) throw new Error('a debate needs at least one agent');
  const transcripts: AgentTranscript[] = agents.map((_, agent) => ({ agent, conversation: [], turns: [] }));
  const votes: DebateTranscript['votes'] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    const turns = await Promise.all(
      agents.map((agent, index) => takeTurn(problem, agents, transcripts, index, round, settings)),
    );
    turns.forEach((turn, index) => transcripts[index]?.turns.push(turn));
    const random = createRandom(deriveSeed(settings.seed, 'vote', problem.id, round));
    const equivalent = (a: string, b: string) => isEquivalent(a, b, settings.answerType, settings.extraction.mode);
    votes.push(
      majorityVote(
        turns.map((turn) => turn.answer),
        equivalent,
        random,
      ),
    );
  }
  return {
    problemId: problem.id,
    question: problem.question,
    groundTruth: problem.answer,
    answerType: problem.answerType,
    ...(settings.extraction.mode === 'paper' ? { grading: 'paper' as const } : {}),
    agents: transcripts,
    votes,
  };
}

async function takeTurn(
  problem: Problem,
  agents: readonly DebateAgent[],
  transcripts: readonly AgentTranscript[],
  index: number,
  round: number,
  settings: DebateSettings,
): Promise<AgentTurn> {
  const transcript = transcripts[index] as AgentTranscript;
  const agent = agents[index] as DebateAgent;
  const { templates } = settings;
  let shownAgents: number[] = [];
  let summary: ModelCall | undefined;
  let prompt: string;
  if (round === 1) {
    prompt = renderPrompt(templates.question, { question: problem.question });
    if (settings.uniqueIds) prompt = `${agentIdentity(index, agents.length)}\n\n${prompt}`;
  } else if (agents.length === 1) {
    prompt = renderPrompt(templates.selfCheck, { question: problem.question });
  } else {
    const others = agents.map((_, other) => other).filter((other) => other !== index);
    const order = shuffled(others, createRandom(deriveSeed(settings.seed, 'others', problem.id, round, index)));
    shownAgents = order.slice(0, Math.max(1, settings.maxOthers));
    const responses = renderOtherResponses(
      templates,
      shownAgents.map((other) => previousReply(transcripts[other] as AgentTranscript, round)),
    );
    if (settings.summarize) {
      if (settings.summarizer === undefined) throw new Error('summarize is on but no summarizer model was given');
      const seed = deriveSeed(settings.seed, 'summary', problem.id, round, index);
      const content = renderPrompt(templates.summarize, { question: problem.question, responses });
      summary = toModelCall(
        await settings.summarizer.complete(request([{ role: 'user', content }], settings, seed)),
        seed,
      );
      prompt = renderPrompt(templates.debateWithSummary, { summary: summary.text, question: problem.question });
    } else {
      prompt = renderPrompt(templates.debate, { responses, question: problem.question });
    }
  }
  transcript.conversation.push({ role: 'user', content: prompt });
  const model = round === 1 ? agent.generator : agent.critic;
  const seed = deriveSeed(settings.seed, 'turn', problem.id, round, index);
  const response = toModelCall(await model.complete(request([...transcript.conversation], settings, seed)), seed);
  transcript.conversation.push({ role: 'assistant', content: response.text });
  return {
    round,
    role: round === 1 ? 'generator' : 'critic',
    shownAgents,
    ...(summary !== undefined ? { summary } : {}),
    response,
    answer: extractAnswer(response.text, settings.answerType, settings.extraction),
  };
}

function request(messages: ChatMessage[], settings: DebateSettings, seed: number) {
  return { messages, ...settings.sampling, seed };
}

/** The agent's reply of the round before `round` (not its conversation's tail, which this round may extend). */
function previousReply(transcript: AgentTranscript, round: number): string {
  return transcript.turns[round - 2]?.response.text ?? '';
}

function toModelCall(response: ChatResponse, seed: number): ModelCall {
  return {
    text: response.text,
    ...(response.thoughts !== undefined ? { thoughts: response.thoughts } : {}),
    finishReason: response.finishReason,
    usage: response.usage,
    modelId: response.modelId,
    seed,
    durationMs: response.durationMs,
  };
}
