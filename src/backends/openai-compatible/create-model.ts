/**
 * `createOpenAiCompatibleModel`: a ChatModel over any OpenAI-compatible chat API (OpenAI, Together, vLLM,
 * SGLang, llama-server) through the official `openai` SDK (v6: v7 needs Node 22).
 *
 * The SDK does the HTTP: URL building, JSON encoding, the Authorization header, error classes, the per-attempt
 * timeout. This file adds the mapping (map-request / map-response), the endpoint's shared concurrency slots
 * and the retry loop (send-with-retries), with the SDK's own retries switched off.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ChatModel, ChatRequest, ChatResponse } from '../../spec/chat-model.js';
import { endpointFor } from './endpoint.js';
import { captureErrorBodies } from './error-bodies.js';
import { mapRequest } from './map-request.js';
import { mapResponse } from './map-response.js';
import { resolveOptions, type OpenAiCompatibleOptions } from './options.js';
import { sendWithRetries } from './send-with-retries.js';

/**
 * Sent when the key variable is unset: the SDK refuses to start without a key, and servers started without
 * `--api-key` ignore the header.
 */
const placeholderKey = 'no-key';

export function createOpenAiCompatibleModel(options: OpenAiCompatibleOptions): ChatModel {
  const resolved = resolveOptions(options);
  const endpoint = endpointFor(resolved.endpoint, resolved.concurrency);
  const capture = captureErrorBodies();
  const client = new OpenAI({
    baseURL: resolved.baseURL,
    apiKey: resolved.apiKey ?? placeholderKey,
    // Not read from OPENAI_ORG_ID / OPENAI_PROJECT_ID: those would be sent to third-party servers too.
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: resolved.timeoutMs,
    // The SDK's debug log (OPENAI_LOG=debug) prints requests; nothing of a request leaves through a log.
    logLevel: 'off',
    fetch: capture.fetch,
  });
  const secrets = resolved.apiKey === undefined ? [] : [resolved.apiKey];
  // Only the numbers go to the retry loop: nothing that could print the key.
  const { maxRetries, timeoutMs, initialBackoffMs, maxBackoffMs, maxRetryAfterMs } = resolved;
  const policy = { maxRetries, timeoutMs, initialBackoffMs, maxBackoffMs, maxRetryAfterMs };

  return {
    id: resolved.id,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const { body, warnings } = mapRequest(resolved.model, request, resolved.extraBody);
      // The body may carry engine-specific fields the SDK's types do not know; the SDK sends it as is.
      const params = body as unknown as ChatCompletionCreateParamsNonStreaming;
      const { value, durationMs } = await sendWithRetries({
        endpoint,
        policy,
        callerSignal: request.signal,
        attempt: async (signal) =>
          mapResponse(
            await client.chat.completions.create(params, { signal, maxRetries: 0, timeout: resolved.timeoutMs }),
            resolved.model,
          ),
        errorBodyOf: capture.errorBodyOf,
        apiKeyEnv: resolved.apiKeyEnv,
        secrets,
      });
      return { ...value, durationMs, warnings: [...warnings, ...value.warnings] };
    },
  };
}
