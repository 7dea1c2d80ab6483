/**
 * TRL's conversational prompt–completion JSONL (Hugging Face TRL `SFTTrainer`, `trl sft`): one
 * `{"prompt": [messages], "completion": [{"role": "assistant", "content": …}]}` object per line, messages with
 * exactly `role` and `content`. TRL applies the model's chat template and, by default for prompt–completion
 * data, computes the loss on the completion only — the loss both datasets need (docs/method.md steps 2–3).
 * No other columns are written: the row's provenance stays in the canonical rows.
 */
import type { ChatMessage } from '../../spec/chat-model.js';
import type { TrainingRow } from '../training-row.js';

export interface TrlPromptCompletionExample {
  prompt: ChatMessage[];
  completion: [{ role: 'assistant'; content: string }];
}

export function toTrlPromptCompletionExample(row: TrainingRow): TrlPromptCompletionExample {
  return {
    prompt: row.prompt.map((message) => ({ role: message.role, content: message.content })),
    completion: [{ role: 'assistant', content: row.completion.content }],
  };
}

/** The JSONL text: one example per line, each line ended by `\n`; empty for no rows. */
export function exportTrlPromptCompletionJsonl(rows: readonly TrainingRow[]): string {
  return rows.map((row) => `${JSON.stringify(toTrlPromptCompletionExample(row))}\n`).join('');
}
