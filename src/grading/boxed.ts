/**
 * The last `\boxed{…}` / `\fbox{…}` of a text, braces matched (nested braces allowed). This is the paper's
 * answer convention for every task (docs/method.md, "Answer checking"). Also accepts the `\boxed 5` form (a
 * single token after a space), as the MATH reference code does.
 */
const boxCommands = ['\\boxed', '\\fbox'] as const;

/** Content of the last well-formed box, or null when the text has none. */
export function extractLastBoxed(text: string): string | null {
  const closes = closingBraces(text);
  let best: { start: number; content: string } | null = null;
  for (const command of boxCommands) {
    let from = text.length;
    while (from >= 0) {
      const start = text.lastIndexOf(command, from);
      if (start < 0) break;
      const content = readBoxContent(text, start + command.length, closes);
      if (content !== null) {
        if (best === null || start > best.start) best = { start, content };
        break;
      }
      from = start - 1;
    }
  }
  return best === null ? null : best.content;
}

/**
 * Where each `{` of the text closes (escaped braces such as `\{` never open or close), found in one pass so
 * that a text of many unclosed boxes costs linear time, not a scan to the end per box.
 */
function closingBraces(text: string): Map<number, number> {
  const closes = new Map<number, number>();
  const open: number[] = [];
  for (let position = 0; position < text.length; position++) {
    const character = text[position];
    if (character === '\\') position++;
    else if (character === '{') open.push(position);
    else if (character === '}') {
      const start = open.pop();
      if (start !== undefined) closes.set(start, position);
    }
  }
  return closes;
}

/** Read the argument after a box command starting at `index`; null when it is unbalanced or missing. */
function readBoxContent(text: string, index: number, closes: Map<number, number>): string | null {
  const next = text[index];
  if (next === '{') {
    const close = closes.get(index);
    return close === undefined ? null : text.slice(index + 1, close);
  }
  if (next === ' ') {
    // `\boxed 5` — the argument runs to the next `$` or whitespace.
    const match = /^ +([^\s$]+)/.exec(text.slice(index));
    return match?.[1] ?? null;
  }
  return null;
}

/**
 * The text outside any box, for the rules tried after a box that held no answer: every well-formed box is
 * cut out (with the boxes inside it), and so is everything from the first box that never closes (LaTeX would read all of it as
 * the box's content), so that the junk of a broken box never becomes an answer by another rule.
 */
export function textOutsideBoxes(text: string): string {
  const closes = closingBraces(text);
  let result = '';
  let from = 0;
  for (const match of text.matchAll(/\\(?:boxed|fbox)(?=[{ ])/g)) {
    if (match.index < from) continue; // inside a box already cut out
    const argument = match.index + match[0].length;
    const content = readBoxContent(text, argument, closes);
    result += text.slice(from, match.index);
    if (content === null) return result;
    from = text[argument] === '{' ? argument + content.length + 2 : text.indexOf(content, argument) + content.length;
  }
  return result + text.slice(from);
}
