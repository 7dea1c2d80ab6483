/**
 * The body of `POST /v1/chat/completions` as maft serve accepts it (pure: parsed JSON in, a checked request or a
 * 400/413 ServeError out). OpenAI's own rule for fields it does not know is followed: an unrecognised field is a
 * 400, so a request can never smuggle in an adapter, a LoRA list or a file path for the server to load.
 */
import { z } from 'zod';
import type { ChatMessage, SamplingOptions } from '../spec/chat-model.js';
import { badRequest, ServeError } from './serve-error.js';

export interface RequestLimits {
  /** Characters of one message's content. */
  maxMessageChars: number;
  /** Messages in one request. */
  maxMessages: number;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** Only the settings the request gives: the run's sampling fills the rest. */
  sampling: SamplingOptions;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage (OpenAI's streaming contract). */
  includeUsage: boolean;
}

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart).min(1)]);
const message = z.union([
  z.object({ role: z.enum(['system', 'developer', 'user']), content, name: z.string().optional() }),
  z.object({ role: z.literal('assistant'), content, name: z.string().optional() }),
]);

const body = z.strictObject({
  model: z.string().min(1),
  messages: z.array(message).min(1, 'messages must hold at least one message'),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  seed: z
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1, 'only n = 1 is served: the society gives one answer').nullish(),
  // Accepted and ignored: they change nothing a society does.
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  store: z.boolean().nullish(),
});

/** Check a parsed JSON body; the first problem found is the error (OpenAI names one `param`). */
export function parseChatRequest(json: unknown, limits: RequestLimits): ChatCompletionRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw badRequest('invalid_body', 'the request body must be a JSON object');
  const result = body.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue === undefined || issue.path.length === 0 ? null : issue.path.map(String).join('.');
    if (issue?.code === 'unrecognized_keys') {
      throw badRequest(
        'unknown_parameter',
        `Unrecognized request argument supplied: ${issue.keys.join(', ')}`,
        issue.keys[0] ?? null,
      );
    }
    throw badRequest('invalid_value', `${param ?? 'body'}: ${issue?.message ?? 'invalid'}`, param);
  }
  const request = result.data;
  if (request.messages.length > limits.maxMessages) {
    throw new ServeError(
      413,
      'invalid_request_error',
      'too_many_messages',
      `at most ${limits.maxMessages} messages per request`,
      'messages',
    );
  }
  const messages: ChatMessage[] = request.messages.map((item, index) => {
    const text = typeof item.content === 'string' ? item.content : item.content.map((part) => part.text).join('');
    if (text.length > limits.maxMessageChars) {
      throw new ServeError(
        413,
        'invalid_request_error',
        'message_too_long',
        `messages.${index}.content: ${text.length} characters, at most ${limits.maxMessageChars}`,
        `messages.${index}.content`,
      );
    }
    return { role: item.role === 'developer' ? 'system' : item.role, content: text };
  });
  const last = messages[messages.length - 1];
  if (last?.role !== 'user')
    throw badRequest('invalid_value', 'the last message must be a user message (the problem to solve)', 'messages');
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const sampling: SamplingOptions = {
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...(maxTokens != null ? { maxTokens } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
  };
  return {
    model: request.model,
    messages,
    sampling,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
  };
}
