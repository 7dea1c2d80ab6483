/**
 * ShareGPT / FastChat JSON: one JSON array of `{"id", "conversations": [{"from", "value"}]}`, `from` being
 * `human` | `gpt` (and `system` for a leading system message, which Axolotl and LLaMA-Factory accept and
 * FastChat's own trainer does not; maft's debates have none). Turns alternate human, gpt, … and end with gpt.
 * The format has no per-turn loss flag: FastChat trains on every `gpt` turn, so a critic row's earlier replies
 * are trained too unless the tool is told otherwise (LLaMA-Factory: `mask_history: true`); use the OpenAI or
 * TRL export when only the final reply must carry the loss.
 */
import type { ChatRole } from '../../spec/chat-model.js';
import type { TrainingRow } from '../training-row.js';

export type ShareGptSpeaker = 'system' | 'human' | 'gpt';

export interface ShareGptConversation {
  /** Unique within a file: kind, agent and problem. */
  id: string;
  conversations: { from: ShareGptSpeaker; value: string }[];
}

const speakerOf: Record<ChatRole, ShareGptSpeaker> = { system: 'system', user: 'human', assistant: 'gpt' };

export function toShareGptConversation(row: TrainingRow): ShareGptConversation {
  const { kind, agent, problemId } = row.metadata;
  return {
    id: `${kind}/agent-${agent}/${problemId}`,
    conversations: [...row.prompt, row.completion].map((message) => ({
      from: speakerOf[message.role],
      value: message.content,
    })),
  };
}

/** The JSON text: an array (`[]` for no rows), indented, ending with a newline. */
export function exportShareGptJson(rows: readonly TrainingRow[]): string {
  return `${JSON.stringify(rows.map(toShareGptConversation), null, 2)}\n`;
}
