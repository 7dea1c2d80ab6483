/**
 * Answers made of parts, for the default grading mode (math-equivalence-wide.ts): sets and lists (order
 * does not matter, multiplicity does), unions of intervals, tuples (order matters, same brackets),
 * matrices (same shape, cell by cell; `pmatrix` and `bmatrix` alike, a determinant `vmatrix` apart) and
 * inequalities (`3 < x` is `x > 3`; `\le`, `\leq`, `≤` alike). Each reader returns null when the text is not
 * of its shape; the caller compares the parts with its own element test.
 */
/** Sets with more elements are not compared element by element (the pairing is quadratic). */
const maxElements = 24;

/** Split at the top-level separators (`,` by default) outside (), [], {} and \{ \}. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] ?? '';
    if ('([{'.includes(character)) depth++;
    else if (')]}'.includes(character)) depth--;
    else if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index).trim());
      start = index + separator.length;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Whether the first bracket closes at the very end (so `(1,2)` is enclosed, `(1)+(2)` is not). */
function enclosed(text: string, open: string, close: string): boolean {
  if (!text.startsWith(open) || !text.endsWith(close)) return false;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] ?? '';
    if ('([{'.includes(character)) depth++;
    else if (')]}'.includes(character)) depth--;
    if (depth === 0 && index < text.length - close.length) return false;
  }
  return true;
}

/** Elements of a set `\{a, b\}` or of a bare list `a, b` / `a or b`; null when the text is neither. */
export function setElements(text: string): string[] | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('\\{') && trimmed.endsWith('\\}')) {
    const inner = trimmed.slice(2, -2);
    if (/[{}]/.test(inner.replace(/\{[^{}]*\}/g, ''))) return null;
    return limited(splitTopLevel(inner).filter((part) => part !== ''));
  }
  if (/^[([]/.test(trimmed) && /[)\]]$/.test(trimmed) && enclosed(trimmed, trimmed[0] ?? '', trimmed.at(-1) ?? ''))
    return null;
  const parts = splitTopLevel(trimmed.replace(/\s+(?:or|and)\s+/g, ', ')).filter((part) => part !== '');
  if (parts.length < 2 || parts.some((part) => /^\d{3}(?:\D|$)/.test(part))) return null; // `1,000` is a number
  return limited(parts);
}

function limited(parts: string[]): string[] | null {
  return parts.length > maxElements ? null : parts;
}

/** Elements of a tuple or interval `(a, b)`, `[a, b)`, with its brackets; null otherwise. */
export function tupleElements(text: string): { open: string; close: string; elements: string[] } | null {
  const trimmed = text.trim();
  const open = trimmed[0] ?? '';
  const close = trimmed.at(-1) ?? '';
  if (!'(['.includes(open) || !')]'.includes(close) || trimmed.length < 3) return null;
  let depth = 0;
  for (let index = 0; index < trimmed.length; index++) {
    const character = trimmed[index] ?? '';
    if ('([{'.includes(character)) depth++;
    else if (')]}'.includes(character)) depth--;
    if (depth === 0 && index < trimmed.length - 1) return null;
  }
  const elements = splitTopLevel(trimmed.slice(1, -1));
  return elements.length < 2 || elements.length > maxElements ? null : { open, close, elements };
}

/** The intervals of a union `A \cup B` (at least two), or null. */
export function unionParts(text: string): string[] | null {
  const parts = text.split(/\\cup|∪/).map((part) => part.trim());
  return parts.length >= 2 && parts.length <= maxElements && parts.every((part) => part !== '') ? parts : null;
}

export interface Matrix {
  kind: 'matrix' | 'determinant';
  rows: string[][];
}

/** A matrix environment filling the whole answer, or null. */
export function readMatrix(text: string): Matrix | null {
  const match = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/.exec(text.trim());
  if (match === null) return null;
  const body = match[2] ?? '';
  if (/\\begin\{/.test(body)) return null;
  const rows = body
    .split(/\\\\/)
    .map((row) => row.trim())
    .filter((row) => row !== '')
    .map((row) => row.split('&').map((cell) => cell.trim()));
  const cells = rows.flat().length;
  if (cells === 0 || cells > maxElements * 4) return null;
  return { kind: /^[vV]/.test(match[1] ?? '') ? 'determinant' : 'matrix', rows };
}

export interface Inequality {
  /** Operators, all pointing left-to-right smaller-to-larger: `<` or `<=`. */
  operators: ('<' | '<=')[];
  /** The sides, smallest first. */
  sides: string[];
}

const relation = /\\leqslant|\\geqslant|\\leq|\\geq|\\le\b|\\ge\b|\\lt\b|\\gt\b|<=|>=|≤|≥|<|>/g;

const lessOperators = new Set(['\\leqslant', '\\leq', '\\le', '\\lt', '<=', '≤', '<']);
const strictOperators = new Set(['<', '>', '\\lt', '\\gt']);

/** An inequality (one or a chain of one direction), turned to read smallest first; null otherwise. */
export function readInequality(text: string): Inequality | null {
  const operators = [...text.matchAll(relation)].map((match) => match[0]);
  if (operators.length === 0 || operators.length > 2 || /=/.test(text.replace(relation, ''))) return null;
  const sides = text.split(relation).map((side) => side.trim());
  if (sides.some((side) => side === '')) return null;
  const kinds = operators.map((operator) => (lessOperators.has(operator) ? 'less' : 'greater'));
  if (kinds.some((kind) => kind !== kinds[0])) return null;
  const ops = operators.map((operator): '<' | '<=' => (strictOperators.has(operator) ? '<' : '<='));
  return kinds[0] === 'less' ? { operators: ops, sides } : { operators: ops.reverse(), sides: sides.reverse() };
}

/** Pair two lists as multisets under `same`; true when every element finds its own partner. */
export function matchUnordered(
  given: string[],
  reference: string[],
  same: (given: string, reference: string) => boolean,
): boolean {
  if (given.length !== reference.length) return false;
  const used = new Array<boolean>(given.length).fill(false);
  return reference.every((element) => {
    const partner = given.findIndex((candidate, index) => !used[index] && same(candidate, element));
    if (partner < 0) return false;
    used[partner] = true;
    return true;
  });
}
