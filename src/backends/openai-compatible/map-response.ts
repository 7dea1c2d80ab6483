/**
 * The JSON body of a chat completion → ChatResponse (all but the duration, which the transport measures).
 * Pure. Servers differ in the optional parts, so only what maft needs is checked: one choice with a message.
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason } from '../../spec/chat-model.js';
import { splitThoughts } from './split-thoughts.js';

/** The body is not a chat completion (truncated, an HTML error page, a JSON error object with status 200). */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

const completionSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          // vLLM / SGLang / llama-server with a reasoning parser put the thinking here; newer vLLM says `reasoning`.
          reasoning_content: z.string().nullish(),
          reasoning: z.string().nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

export function mapResponse(body: unknown, requestedModel: string): Omit<ChatResponse, 'durationMs'> {
  const parsed = completionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    const shape =
      typeof body === 'string' ? `text "${oneLine(body, 80)}"` : `JSON${where}: ${issue?.message ?? 'invalid'}`;
    throw new MalformedResponseError(`not a chat completion (${shape})`);
  }
  const completion = parsed.data;
  const choice = completion.choices[0];
  if (choice === undefined) throw new MalformedResponseError('not a chat completion (no choices)');
  const warnings: string[] = [];
  const split = splitThoughts(choice.message.content ?? '');
  if (split.unterminated) warnings.push('the answer ended inside <think>: no text after the reasoning');
  const reasoning = choice.message.reasoning_content ?? choice.message.reasoning ?? undefined;
  const thoughts = [reasoning, split.thoughts].filter((part): part is string => part !== undefined && part !== '');
  const finishReason = mapFinishReason(choice.finish_reason ?? undefined);
  if (finishReason === 'other') warnings.push(`finish_reason "${choice.finish_reason ?? 'missing'}" counted as other`);
  if (completion.usage == null) warnings.push('the server reported no token usage; counted as 0');
  return {
    text: split.text,
    ...(thoughts.length > 0 ? { thoughts: thoughts.join('\n') } : {}),
    finishReason,
    usage: {
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
    },
    modelId: completion.model != null && completion.model !== '' ? completion.model : requestedModel,
    warnings,
  };
}

/** `length` is a truncated answer; `stop` (and llama.cpp's older `eos`) ended by itself; the rest is other. */
export function mapFinishReason(reason: string | undefined): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'stop' || reason === 'eos') return 'stop';
  return 'other';
}

export function oneLine(text: string, maxLength: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxLength ? flat : `${flat.slice(0, maxLength - 1)}…`;
}
