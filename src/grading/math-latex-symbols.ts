/**
 * Text replacements of argument-less LaTeX macros, as pylatexenc 2.10's `latex2text` writes them (its
 * `latex2text/_defaultspecs.py`). PRM800K's grader runs answers through that converter before sympy, so the
 * same characters must come out here: `\pi` → `π` (then `pi`), `\cdot` → `·` (then `*`), `\infty` → `∞`,
 * and any macro missing from the table is dropped, as pylatexenc drops unknown macros (`\left`, `\cot`,
 * `\ne`). The table holds the entries that can matter in a math answer, not all of pylatexenc's.
 */

const greek: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π',
  varpi: 'ϖ', rho: 'ρ', varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ',
  varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ',
  Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', omicron: 'ο', digamma: 'ϝ',
  varkappa: 'ϰ', Alpha: 'Α', Beta: 'Β', Epsilon: 'Ε', Zeta: 'Ζ', Eta: 'Η', Iota: 'Ι', Kappa: 'Κ', Mu: 'Μ',
  Nu: 'Ν', Omicron: 'Ο', Rho: 'Ρ', Tau: 'Τ', Chi: 'Χ',
};

const operatorNames = [
  'cos', 'sin', 'tan', 'arccos', 'arcsin', 'arctan', 'cosh', 'sinh', 'tanh', 'arccosh', 'arcsinh',
  'arctanh', 'ln', 'log', 'exp', 'max', 'min', 'sup', 'inf', 'lim',
];

const symbols: Record<string, string> = {
  // Spacing: `\,` `\;` `\:` `\ ` are a space, `\!` nothing.
  ',': ' ', ';': ' ', ':': ' ', ' ': ' ', '!': '', quad: '  ', qquad: '    ',
  // Escaped characters.
  '{': '{', '}': '}', $: '$', '%': '%', '&': '&', '#': '#', _: '_', '~': '~',
  backslash: '\\', textbackslash: '\\', '\\': '\n',
  // Operators and relations.
  cdot: '·', times: '×', pm: '±', mp: '∓', circ: '∘', bullet: '∙', ast: '∗', infty: '∞',
  cup: '∪', cap: '∩', setminus: '∖', in: '∈', notin: '∉', ni: '∋', subset: '⊂', supset: '⊃',
  subseteq: '⊆', supseteq: '⊇', emptyset: '∅', varnothing: '∅', le: '≤', leq: '≤', ge: '≥', geq: '≥',
  neq: '≠', approx: '≈', sim: '∼', simeq: '≃', equiv: '≡', ll: '≪', gg: '≫', propto: '∝', parallel: '∥',
  wedge: '∧', vee: '∨', forall: '∀', exists: '∃', partial: '∂', nabla: '∇', sum: '∑', prod: '∏',
  int: '∫', prime: "'", ell: 'ℓ', hbar: 'ħ', aleph: 'ℵ',
  ldots: '…', dots: '…', cdots: '⋯', vdots: '⋮', ddots: '⋱',
  langle: '⟨', rangle: '⟩', vert: '|', lvert: '|', rvert: '|', mid: '|', Vert: '‖',
  to: '→', rightarrow: '→', leftarrow: '←', uparrow: '↑', downarrow: '↓', leftrightarrow: '↔',
  Rightarrow: '⇒', Leftarrow: '⇐', Leftrightarrow: '⇔', longrightarrow: '⟶', longleftarrow: '⟵',
  Longrightarrow: '⟹', mapsto: '↦', hookrightarrow: '↪', hookleftarrow: '↩',
  div: '÷', cong: '≅', perp: '⊥', angle: '∠', lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉',
  lbrace: '{', rbrace: '}', therefore: '∴', because: '∵', star: '⋆', dagger: '†', dag: '†', surd: '√',
  top: '⊤', lnot: '¬', odot: '⊙', otimes: '⊗', oplus: '⊕', bigcup: '⋃', bigcap: '⋂', nmid: '∤',
  asymp: '≍', prec: '≺', succ: '≻', square: '□', diamond: '♢', bigcirc: '◯', nexists: '∄',
  complement: '∁', iint: '∬', oint: '∮', coprod: '∐', smallsetminus: '∖', nparallel: '∦',
  textdegree: '°', textdiv: '÷', texttimes: '×', textpm: '±', textmp: '∓', limsup: 'lim sup',
  liminf: 'lim inf', textendash: '–', textemdash: '—', i: 'ı', j: 'ȷ', o: 'ø', O: 'Ø', ss: 'ß', ae: 'æ',
  oe: 'œ',
};

/** The text of an argument-less macro, or undefined when pylatexenc would drop it. */
export function macroSymbol(name: string): string | undefined {
  if (Object.hasOwn(symbols, name)) return symbols[name];
  if (Object.hasOwn(greek, name)) return greek[name];
  if (operatorNames.includes(name)) return name;
  return undefined;
}

/** Combining marks of the math accents (`\hat{x}` → `x̂`): not letters, so sympy rejects them as it did. */
export const accentMarks = new Map(
  Object.entries({
    hat: '\u0302', bar: '\u0304', vec: '\u20d7', dot: '\u0307', ddot: '\u0308', tilde: '\u0303',
    check: '\u030c', breve: '\u0306', acute: '\u0301', grave: '\u0300',
  }),
);
