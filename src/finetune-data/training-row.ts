/**
 * The canonical finetuning row, as the data stage builds it. The types live in src/spec/training-row.ts (the
 * run store reads rows files back, and may not import this layer); they are re-exported here for the stage's
 * own modules.
 */
import type { ChatMessage } from '../spec/chat-model.js';

export type {
  AssistantMessage,
  TrainingRole,
  TrainingRow,
  TrainingRowKind,
  TrainingRowMetadata,
} from '../spec/training-row.js';

/**
 * Whether a row can be trained on: every message has non-blank content. A blank reply teaches nothing, and
 * OpenAI's fine-tuning validation rejects a file with any message without content, so such rows are not built.
 */
export function hasOnlyNonBlankMessages(prompt: readonly ChatMessage[], completion: ChatMessage): boolean {
  return [...prompt, completion].every((message) => message.content.trim() !== '');
}
