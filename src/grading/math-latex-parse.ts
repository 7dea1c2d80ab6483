/**
 * A LaTeX parser shaped like pylatexenc 2.10's `LatexWalker`, for math-latex-text.ts: text, `{…}` groups,
 * macros with the arguments pylatexenc knows them to take (a braced group, a macro, or one character;
 * `[…]` when optional), `\begin{…}…\end{…}` environments, `&` cell separators, and the specials `~` and
 * `--`/`---`. Tolerant like pylatexenc: a missing `}` or `\end` closes at the end of the input.
 *
 * Work is bounded: the parser is linear and refuses (throws `LatexTextError`) past `maxDepth` nested
 * groups, which the caller treats like pylatexenc raising (the grader then keeps the LaTeX as it was).
 */
import { accentMarks } from './math-latex-symbols.js';

export class LatexTextError extends Error {}

const maxDepth = 64;
/** Environment arguments (not content): `\begin{array}[t]{cc}`, `\begin{tabular}{ll}`. */
const environmentArguments = new Map(
  Object.entries({ array: '[{', tabular: '{', 'tabular*': '{{', tabularx: '{[{', alignat: '{', 'alignat*': '{' }),
);
/**
 * Macros that pylatexenc's parser reads with arguments, as `[` (optional) and `{` (mandatory) slots. Those
 * in `droppedWithArguments` have no text rule, so they vanish together with their arguments: `\mbox{cm}`
 * and `\textsf{…}` give nothing, while `\text{…}` or an unknown `\boxed{…}` leave their content.
 */
export const droppedWithArguments = new Map(
  Object.entries({
    mbox: '{',
    textsf: '{',
    texttt: '{',
    textup: '{',
    textmd: '{',
    ensuremath: '{',
    label: '{',
    verb: '{',
    color: '[{',
    hphantom: '[{',
    vphantom: '[{',
    xrightarrow: '[{',
    xleftarrow: '[{',
  }),
);
const argumentSpecs = new Map([
  ...Object.entries({
    frac: '{{',
    nicefrac: '{{',
    textfrac: '{{',
    sqrt: '[{',
    textcolor: '[{{',
    colorbox: '[{{',
    hspace: '{',
    vspace: '{',
  }),
  ...[...accentMarks.keys()].map((name): [string, string] => [name, '{']),
  ...droppedWithArguments,
]);

export type LatexNode =
  | { kind: 'chars'; text: string }
  | { kind: 'group'; nodes: LatexNode[] }
  | { kind: 'macro'; name: string; args: (LatexNode | null)[] }
  | { kind: 'env'; name: string; nodes: LatexNode[] }
  | { kind: 'column' };

/** The node tree of a LaTeX string; throws `LatexTextError` when it nests too deeply. */
export function parseLatexNodes(latex: string): LatexNode[] {
  return new Parser(latex, 0).parseAll();
}

class Parser {
  private position = 0;
  constructor(
    private readonly source: string,
    private depth: number,
  ) {}

  parseAll(): LatexNode[] {
    return this.parseNodes(null);
  }

  /** Nodes up to `}` (when `closer` is `}`), `\end{closer}`, or the end of the input (tolerant, as pylatexenc). */
  private parseNodes(closer: string | null): LatexNode[] {
    if (++this.depth > maxDepth) throw new LatexTextError('LaTeX nested too deeply');
    const nodes: LatexNode[] = [];
    let chars = '';
    const flush = (): void => {
      if (chars !== '') nodes.push({ kind: 'chars', text: chars });
      chars = '';
    };
    while (this.position < this.source.length) {
      const character = this.source[this.position] ?? '';
      if (character === '}' && closer === '}') {
        this.position++;
        break;
      }
      if (
        character === '\\' &&
        closer !== null &&
        closer !== '}' &&
        this.source.startsWith(`\\end{${closer}}`, this.position)
      ) {
        this.position += `\\end{${closer}}`.length;
        break;
      }
      if (character === '{' || character === '\\' || character === '&') {
        flush();
        nodes.push(this.parseNode());
      } else if (character === '~') {
        chars += '\u00a0';
        this.position++;
      } else if (character === '-' && this.source.startsWith('--', this.position)) {
        const long = this.source.startsWith('---', this.position);
        chars += long ? '—' : '–';
        this.position += long ? 3 : 2;
      } else {
        chars += character === '}' ? '' : character; // a stray `}` closes nothing
        this.position++;
      }
    }
    flush();
    this.depth--;
    return nodes;
  }

  private parseNode(): LatexNode {
    const character = this.source[this.position];
    if (character === '{') {
      this.position++;
      return { kind: 'group', nodes: this.parseNodes('}') };
    }
    if (character === '&') {
      this.position++;
      return { kind: 'column' };
    }
    const name = this.readMacroName();
    if (name === 'begin') return this.parseEnvironment();
    const args = [...(argumentSpecs.get(name) ?? '')].map((slot) =>
      slot === '[' ? this.parseOptional() : this.parseArgument(),
    );
    return { kind: 'macro', name, args };
  }

  /** After a backslash: a run of letters (then its trailing spaces are consumed) or one other character. */
  private readMacroName(): string {
    this.position++;
    const letters = /^[a-zA-Z]+/.exec(this.source.slice(this.position, this.position + 64));
    if (letters === null) return this.source[this.position++] ?? '';
    this.position += letters[0].length;
    while (/\s/.test(this.source[this.position] ?? '')) this.position++;
    return letters[0];
  }

  private skipSpaces(): void {
    while (/\s/.test(this.source[this.position] ?? '')) this.position++;
  }

  /** A mandatory argument: a braced group, a macro (without its own arguments), or one character. */
  private parseArgument(): LatexNode | null {
    this.skipSpaces();
    const character = this.source[this.position];
    if (character === undefined || character === '}') return null;
    if (character === '{') {
      this.position++;
      return { kind: 'group', nodes: this.parseNodes('}') };
    }
    if (character === '\\') return { kind: 'macro', name: this.readMacroName(), args: [] };
    this.position++;
    return { kind: 'chars', text: character };
  }

  private parseOptional(): LatexNode | null {
    this.skipSpaces();
    if (this.source[this.position] !== '[') return null;
    const end = this.source.indexOf(']', this.position);
    const stop = end < 0 ? this.source.length : end;
    const inner = new Parser(this.source.slice(this.position + 1, stop), this.depth).parseAll();
    this.position = Math.min(this.source.length, stop + 1);
    return { kind: 'group', nodes: inner };
  }

  private parseEnvironment(): LatexNode {
    const match = /^\{([^{}]*)\}/.exec(this.source.slice(this.position, this.position + 80));
    if (match === null) return { kind: 'macro', name: 'begin', args: [] };
    this.position += match[0].length;
    const name = match[1] ?? '';
    for (const slot of environmentArguments.get(name) ?? '') {
      if (slot === '[') this.parseOptional();
      else this.parseArgument();
    }
    return { kind: 'env', name, nodes: this.parseNodes(name) };
  }
}
