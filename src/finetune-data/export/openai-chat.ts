/**
 * OpenAI chat fine-tuning JSONL (also read by Axolotl and mistral-finetune): one `{"messages": [...]}` object
 * per line, roles `system` | `user` | `assistant`, every message with non-blank string content. By default every
 * assistant message of an example is trained on; `"weight": 0` (the only other allowed value being 1) takes one
 * out of the loss. The prompt's earlier assistant messages (a critic's previous rounds) get weight 0, so only
 * the completion is trained (docs/method.md step 3: the loss belongs on the final answer).
 */
import type { ChatMessage } from '../../spec/chat-model.js';
import type { TrainingRow } from '../training-row.js';

export interface OpenAiChatMessage extends ChatMessage {
  /** 0 on assistant messages that are context only; absent (= 1) on the trained one. */
  weight?: 0;
}

export interface OpenAiChatExample {
  messages: OpenAiChatMessage[];
}

export function toOpenAiChatExample(row: TrainingRow): OpenAiChatExample {
  const context = row.prompt.map((message): OpenAiChatMessage =>
    message.role === 'assistant'
      ? { role: message.role, content: message.content, weight: 0 }
      : { role: message.role, content: message.content },
  );
  return { messages: [...context, { role: 'assistant', content: row.completion.content }] };
}

/** The JSONL text: one example per line, each line ended by `\n`; empty for no rows. */
export function exportOpenAiChatJsonl(rows: readonly TrainingRow[]): string {
  return rows.map((row) => `${JSON.stringify(toOpenAiChatExample(row))}\n`).join('');
}
