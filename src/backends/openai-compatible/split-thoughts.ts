/**
 * Separate a reasoning model's `<think>…</think>` segment from its answer. Pure.
 *
 * Two shapes occur: the model writes both tags (`<think>…</think>answer`), or the chat template already opened
 * the block in the prompt (Qwen3, DeepSeek-R1 templates) so the output starts inside it (`…</think>answer`).
 * A `<think>` that is never closed means generation stopped while thinking: all of it is thoughts, and the
 * answer is empty (the finish reason then says `length`).
 */
export interface SplitThoughts {
  text: string;
  thoughts?: string;
  /** The block was opened but never closed. */
  unterminated: boolean;
}

const openTag = '<think>';
const closeTag = '</think>';

export function splitThoughts(content: string): SplitThoughts {
  const leading = /^\s*<think>/.exec(content);
  const close = content.indexOf(closeTag);
  if (leading !== null) {
    const start = leading[0].length;
    const end = content.indexOf(closeTag, start);
    if (end < 0) return { text: '', thoughts: content.slice(start).trim(), unterminated: true };
    return {
      text: content.slice(end + closeTag.length).trim(),
      thoughts: content.slice(start, end).trim(),
      unterminated: false,
    };
  }
  if (close >= 0 && !content.slice(0, close).includes(openTag)) {
    return {
      text: content.slice(close + closeTag.length).trim(),
      thoughts: content.slice(0, close).trim(),
      unterminated: false,
    };
  }
  // A `<think>` later in the text is part of the answer, not a reasoning prefix.
  return { text: content, unterminated: false };
}
