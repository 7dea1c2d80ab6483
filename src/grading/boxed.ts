/**
 * The last `\boxed{…}` / `\fbox{…}` of a text, braces matched (nested braces allowed). This is the paper's
 * answer convention for every task (docs/method.md, "Answer checking"). Also accepts the `\boxed 5` form (a
 * single token after a space), as the MATH reference code does.
 */
const boxCommands = ['\\boxed', '\\fbox'] as const;

/** Content of the last well-formed box, or null when the text has none. */
export function extractLastBoxed(text: string): string | null {
  let best: { start: number; content: string } | null = null;
  for (const command of boxCommands) {
    let from = text.length;
    while (from >= 0) {
      const start = text.lastIndexOf(command, from);
      if (start < 0) break;
      const content = readBoxContent(text, start + command.length);
      if (content !== null) {
        if (best === null || start > best.start) best = { start, content };
        break;
      }
      from = start - 1;
    }
  }
  return best === null ? null : best.content;
}

/** Read the argument after a box command starting at `index`; null when it is unbalanced or missing. */
function readBoxContent(text: string, index: number): string | null {
  const next = text[index];
  if (next === '{') {
    let depth = 0;
    for (let position = index; position < text.length; position++) {
      const character = text[position];
      if (character === '\\') {
        position++; // an escaped character such as \{ never opens or closes
        continue;
      }
      if (character === '{') depth++;
      else if (character === '}') {
        depth--;
        if (depth === 0) return text.slice(index + 1, position);
      }
    }
    return null;
  }
  if (next === ' ') {
    // `\boxed 5` — the argument runs to the next `$` or whitespace.
    const match = /^ +([^\s$]+)/.exec(text.slice(index));
    return match?.[1] ?? null;
  }
  return null;
}
