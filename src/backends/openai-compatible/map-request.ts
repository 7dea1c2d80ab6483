/**
 * ChatRequest → the JSON body of `POST /chat/completions`. Pure: no network, no environment.
 */
import type { ChatRequest } from '../../spec/chat-model.js';

/** The namespace of `ChatRequest.providerOptions` this backend reads. */
export const providerNamespace = 'openai';

/**
 * Fields the backend owns. `n` and `stream` would change the shape of the answer (several choices, an event
 * stream) that the ChatModel contract returns as one text.
 */
const reservedFields = new Set(['model', 'messages', 'stream', 'n']);

export interface MappedRequest {
  body: Record<string, unknown>;
  warnings: string[];
}

/**
 * Precedence, lowest first: the model's `extraBody`, the request's `providerOptions.openai`, then the flat
 * sampling options (which are the portable way to say the same thing). Undefined settings are left out so the
 * server's defaults apply. `max_tokens` rather than `max_completion_tokens`: every local engine reads it and
 * OpenAI still accepts it for non-reasoning models; a caller can send the other through providerOptions.
 */
export function mapRequest(
  model: string,
  request: ChatRequest,
  extraBody: Record<string, unknown> = {},
): MappedRequest {
  const warnings: string[] = [];
  const extras: Record<string, unknown> = {};
  const perRequest = request.providerOptions?.[providerNamespace] ?? {};
  for (const [source, fields] of [
    ['extraBody', extraBody],
    [`providerOptions.${providerNamespace}`, perRequest],
  ] as const) {
    for (const [field, value] of Object.entries(fields)) {
      if (reservedFields.has(field)) warnings.push(`${source}.${field} ignored: the backend sets "${field}" itself`);
      else if (value !== undefined) extras[field] = value;
    }
  }
  const sampling: Record<string, number | undefined> = {
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    seed: request.seed,
  };
  for (const [field, value] of Object.entries(sampling)) {
    if (value === undefined) continue;
    if (field in extras && extras[field] !== value) {
      warnings.push(
        `${field} given twice; the flat option (${value}) wins over the extra field (${String(extras[field])})`,
      );
    }
    extras[field] = value;
  }
  return {
    body: {
      ...extras,
      model,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    },
    warnings,
  };
}
