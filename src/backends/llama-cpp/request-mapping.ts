/**
 * Pure mapping between maft's ChatModel request/response and node-llama-cpp's LlamaChat: messages → chat
 * history, sampling options (with maft's defaults, which differ from node-llama-cpp's), stop reason →
 * finish reason, segments → thoughts. No I/O, so it is unit-tested without a model.
 */
import { randomInt } from 'node:crypto';
import type { ChatHistoryItem, LlamaChatResponse } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';
import type { ChatMessage, ChatRequest, FinishReason } from '../../spec/chat-model.js';

/** The `providerOptions` namespace this backend reads. */
export const providerNamespace = 'llamaCpp';

/** Generation settings handed to `LlamaChat.generateResponse`. */
export interface LlamaGenerationSettings {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  seed: number;
  maxTokens: number;
  /** Most tokens a `<think>` segment may take before the wrapper closes it; Infinity = only maxTokens bounds it. */
  thoughtTokens: number;
}

/**
 * The chat history for `messages`, ending with an empty model turn so that the reply is always a new
 * assistant message (a trailing assistant message is a finished earlier turn, as in the OpenAI API, not a
 * prefix to continue). Message text is plain text: `<|im_end|>` typed by a user stays text, not a token.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  if (messages.length === 0) throw new MaftError('INPUT_INVALID', 'a chat request needs at least one message');
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.content };
      case 'user':
        return { type: 'user', text: message.content };
      case 'assistant':
        return { type: 'model', response: [message.content] };
      default:
        throw new MaftError(
          'INPUT_INVALID',
          `unknown chat role ${JSON.stringify((message as { role: unknown }).role)}`,
        );
    }
  });
  history.push({ type: 'model', response: [] });
  return history;
}

/**
 * Sampling for one request. maft's defaults are plain temperature-and-nucleus sampling, like the OpenAI API:
 * temperature 1, topP 1, and top-k and min-p off (node-llama-cpp would otherwise apply greedy decoding,
 * top-k 40 and top-p 0.95). Without a seed a random one is drawn: node-llama-cpp's fallback is the current
 * second, which would give concurrent unseeded agents identical replies. `room` is how many tokens the
 * context leaves for the reply; maxTokens is capped to it (`cappedByContext` then says the context, not the
 * caller, set the budget).
 */
export function resolveGeneration(
  request: ChatRequest,
  room: number,
): { settings: LlamaGenerationSettings; cappedByContext: boolean; warnings: string[] } {
  const warnings: string[] = [];
  const temperature = request.temperature ?? 1;
  if (!(temperature >= 0)) throw new MaftError('INPUT_INVALID', `temperature must be ≥ 0, got ${temperature}`);
  const topP = request.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new MaftError('INPUT_INVALID', `topP must be in (0, 1], got ${topP}`);
  if (request.maxTokens !== undefined && !(Number.isInteger(request.maxTokens) && request.maxTokens >= 1)) {
    throw new MaftError('INPUT_INVALID', `maxTokens must be a positive integer, got ${request.maxTokens}`);
  }
  if (request.seed !== undefined && !Number.isInteger(request.seed)) {
    throw new MaftError('INPUT_INVALID', `seed must be an integer, got ${request.seed}`);
  }
  const cappedByContext = request.maxTokens === undefined || request.maxTokens > room;
  const settings: LlamaGenerationSettings = {
    temperature,
    topP,
    topK: 0,
    minP: 0,
    // llama.cpp seeds are uint32; `>>> 0` maps any integer (negative ones too) onto that range.
    seed: request.seed !== undefined ? request.seed >>> 0 : randomInt(0, 2 ** 32),
    maxTokens: cappedByContext ? room : (request.maxTokens ?? room),
    // node-llama-cpp's default budget (half the context below 8192 tokens) would silently force an answer.
    thoughtTokens: Infinity,
  };
  applyProviderOptions(request.providerOptions?.[providerNamespace], settings, warnings);
  return { settings, cappedByContext, warnings };
}

/**
 * `providerOptions.llamaCpp`: `topK` (integer ≥ 0, 0 = off), `minP` (in [0, 1)) and `thoughtTokens` (integer
 * ≥ 0, the `<think>` budget); anything else, or a value out of range, is ignored with a warning.
 */
function applyProviderOptions(
  options: Record<string, unknown> | undefined,
  settings: LlamaGenerationSettings,
  warnings: string[],
): void {
  const isCount = (value: unknown): value is number =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0;
  for (const [key, value] of Object.entries(options ?? {})) {
    if (key === 'topK' && isCount(value)) settings.topK = value;
    else if (key === 'thoughtTokens' && isCount(value)) settings.thoughtTokens = value;
    else if (key === 'minP' && typeof value === 'number' && value >= 0 && value < 1) settings.minP = value;
    else
      warnings.push(`providerOptions.${providerNamespace}.${key}=${JSON.stringify(value)} is not supported; ignored`);
  }
}

/** `length` when the token budget (maxTokens or the context) ran out; `other` for aborts and function calls. */
export function toFinishReason(stopReason: LlamaChatResponse['metadata']['stopReason']): FinishReason {
  switch (stopReason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return 'stop';
    case 'maxTokens':
      return 'length';
    default:
      return 'other';
  }
}

/** The text of the thought segments of a reply (joined by a blank line), or undefined when it has none. */
export function collectThoughts(fullResponse: LlamaChatResponse['fullResponse']): string | undefined {
  const thoughts = fullResponse.flatMap((item) =>
    typeof item !== 'string' && item.type === 'segment' && item.segmentType === 'thought' ? [item.text] : [],
  );
  return thoughts.length > 0 ? thoughts.join('\n\n') : undefined;
}
