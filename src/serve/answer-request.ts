/**
 * One request's work, HTTP aside: a society debates the request's problem, or one agent model answers the
 * messages directly. Every model call carries the request's abort signal (client gone, timeout), so cancelling
 * a request stops its generations in the engine — a round's other calls too, and no later round starts.
 * Calls are counted as they finish, so a cancelled request's log still says what it spent.
 */
import type { DebateSettings } from '../debate/debate-problem.js';
import { debateProblem } from '../debate/debate-problem.js';
import type { PromptTemplates } from '../debate/prompts.js';
import { extractAnswer, type AnswerFallback } from '../grading/extract-answer.js';
import type { ChatMessage, ChatModel, ChatResponse, SamplingOptions, TokenUsage } from '../spec/chat-model.js';
import type { AnswerType } from '../spec/problem.js';
import { debateAnswer, toOpenAiFinishReason, toOpenAiUsage, type DebateAnswer } from './debate-answer.js';
import type { SocietyModels } from './open-society-models.js';
import { problemFromMessages } from './problem-from-messages.js';

/** Progress of a debate, streamed to the client as it happens (`maft.event`). */
export type DebateEvent =
  | { event: 'start'; society: string; agents: number; rounds: number; seed: number }
  | { event: 'summary'; round: number; model: string; completion_tokens: number }
  | {
      event: 'reply';
      round: number;
      agent: number;
      role: 'generator' | 'critic';
      model: string;
      answer: string | null;
      finish_reason: string;
      completion_tokens: number;
    };

export interface CallMeter {
  calls: number;
  usage: TokenUsage;
}

export interface SocietyTask {
  task: string;
  answerType: AnswerType;
  templates: PromptTemplates;
  fallbacks?: readonly string[] | undefined;
  /** The run's society settings and sampling (the rounds are the served society's: its method's shape). */
  maxOthers: number;
  summarize: boolean;
  /** The unique-ID ablation (App. E.2), as the run was configured. */
  uniqueIds?: boolean | undefined;
  sampling: Required<Omit<SamplingOptions, 'seed'>>;
}

export interface SocietyCall {
  society: string;
  /** M of the served society (1 for majority-ft and star). */
  rounds: number;
  models: SocietyModels;
  messages: ChatMessage[];
  /** The request's overrides. */
  sampling: SamplingOptions;
  seed: number;
  signal: AbortSignal;
  meter: CallMeter;
  onEvent?: (event: DebateEvent) => void;
}

export async function answerWithSociety(task: SocietyTask, call: SocietyCall): Promise<DebateAnswer> {
  const { models, signal, meter, onEvent } = call;
  const problem = problemFromMessages(call.messages, task.task, task.answerType);
  const extraction = task.fallbacks === undefined ? {} : { fallbacks: task.fallbacks as AnswerFallback[] };
  let round = 1;
  const observe = (
    model: ChatModel,
    onResponse: (response: ChatResponse, messages: ChatMessage[]) => void,
  ): ChatModel => ({
    id: model.id,
    complete: async (request) => {
      const response = await model.complete({ ...request, signal });
      meter.calls++;
      meter.usage = {
        promptTokens: meter.usage.promptTokens + response.usage.promptTokens,
        completionTokens: meter.usage.completionTokens + response.usage.completionTokens,
      };
      onResponse(response, request.messages);
      return response;
    },
  });
  const agents = models.agents.map((agent, index) => {
    const reply = (role: 'generator' | 'critic') => (response: ChatResponse, messages: ChatMessage[]) => {
      const turn = messages.filter((message) => message.role === 'user').length;
      round = Math.max(round, turn);
      onEvent?.({
        event: 'reply',
        round: turn,
        agent: index,
        role,
        model: response.modelId,
        answer: extractAnswer(response.text, task.answerType, extraction),
        finish_reason: toOpenAiFinishReason(response.finishReason),
        completion_tokens: response.usage.completionTokens,
      });
    };
    return { generator: observe(agent.generator, reply('generator')), critic: observe(agent.critic, reply('critic')) };
  });
  const summarizer = observe(models.summarizer, (response) =>
    onEvent?.({
      event: 'summary',
      round: round + 1,
      model: response.modelId,
      completion_tokens: response.usage.completionTokens,
    }),
  );
  const { seed: _seed, ...overrides } = call.sampling;
  const settings: DebateSettings = {
    rounds: call.rounds,
    maxOthers: task.maxOthers,
    summarize: task.summarize,
    ...(task.uniqueIds === true ? { uniqueIds: true } : {}),
    summarizer,
    sampling: { ...task.sampling, ...overrides },
    seed: call.seed,
    answerType: task.answerType,
    extraction,
    templates: task.templates,
  };
  onEvent?.({ event: 'start', society: call.society, agents: agents.length, rounds: call.rounds, seed: call.seed });
  signal.throwIfAborted();
  const transcript = await debateProblem(problem, agents, settings);
  return debateAnswer(transcript, call.society, call.seed);
}

export interface DirectAnswer {
  text: string;
  finishReason: 'stop' | 'length';
  usage: ReturnType<typeof toOpenAiUsage>;
  modelId: string;
}

/** An agent model answers the messages as they are (no debate prompts), with the run's sampling under the request's. */
export async function answerWithModel(
  model: ChatModel,
  messages: ChatMessage[],
  sampling: SamplingOptions,
  signal: AbortSignal,
  meter: CallMeter,
): Promise<DirectAnswer> {
  signal.throwIfAborted();
  const response = await model.complete({ messages, ...sampling, signal });
  meter.calls++;
  meter.usage = response.usage;
  return {
    text: response.text,
    finishReason: toOpenAiFinishReason(response.finishReason),
    usage: toOpenAiUsage(response.usage),
    modelId: response.modelId,
  };
}
