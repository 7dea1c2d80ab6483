import { describe, it, expect } from 'vitest';
import { normalizeMathd } from '../../src/grading/math-normalize.js';
import { normalizeGrader } from '../../src/grading/math-grader-normalize.js';
import { latexToText } from '../../src/grading/math-latex-text.js';

/**
 * The two normalisation stages and the LaTeX-to-text step, against the outputs of the reference code on
 * the same inputs (PRM800K's `normalize_answer` and `_normalize`, pylatexenc 2.10's `latex_to_text`).
 * Quirks are expected too (`\sqrt 2` → `\sqrt{}2`, `Sunday` → `sun`): both sides of a comparison get them.
 * Where maft departs on purpose, the reference output is in a comment.
 */

/** PRM800K `normalize_answer`: `\text{}` unwrapped, then Hendrycks' `_strip_string`. */
const mathdCases: [string, string][] = [
  ['\\text{ 5 }', '5'],
  ['\\dfrac{1}{2}', '\\frac{1}{2}'],
  ['\\tfrac12', '\\frac{1}{2}'],
  ['\\frac12', '\\frac{1}{2}'],
  ['\\frac1{72}', '\\frac{1}{72}'],
  ['\\frac{72}1', '\\frac{72}1'],
  ['\\left( 1, 2 \\right)', '(1,2)'],
  ['45^{\\circ}', '45'],
  ['45^\\circ', '45'],
  ['\\$23.40', '23.40'],
  ['5225 \\text{ cubic inches}', '5225'],
  ['1 \\text{ a} \\text{ b}', '1 \\text{ a} \\text{ b}'],
  ['25\\%', '25'],
  ['x = .5', '\\frac{1}{2}'],
  ['.5', '\\frac{1}{2}'],
  ['{.5}', '{0.5}'],
  ['k = 5', '5'],
  ['abc = 5', 'abc=5'],
  ['a=b=c', 'a=b=c'],
  ['\\sqrt2', '\\sqrt{2}'],
  ['\\sqrt 2', '\\sqrt{}2'],
  ['\\sqrt', '\\sqrt'],
  ['\\frac', '\\frac'],
  ['\\frac1', '\\frac1'],
  ['0.5', '\\frac{1}{2}'],
  ['3/4', '\\frac{3}{4}'],
  ['-3/4', '\\frac{-3}{4}'],
  ['03/4', '03/4'],
  ['3 / 4', '\\frac{3}{4}'],
  ['a\nb', 'ab'],
  ['1,\\!000', '1,000'],
  ['\\\\frac{1}{2}', '\\frac{1}{2}'],
  ['\\text{(B)}', '(B)'],
  ['\\text{a} + \\text{b}', 'a}+\\text{b'],
];

/** PRM800K `_normalize`. */
const graderCases: [string, string][] = [
  ['\\text{(B)}', '(b)'],
  ['145.0', '145'],
  ['1e3', '1000'],
  ['12,\\!441,\\!600', '12441600'],
  ['2\\frac{1}{4}', '2+1/4'],
  ['-2\\frac{1}{4}', '-(2+1/4)'], // reference: '-2+1/4'
  ['7 3/4', '7+3/4'],
  ['\\frac{1+\\sqrt{5}}{2}', '(1+sqrt(5))/2'], // reference: '1+sqrt(5)/2'
  ['\\sqrt[3]{x}', 'sqrt(x)'],
  ['\\begin{pmatrix} 1 & 22 \\\\ 3 & 4 \\end{pmatrix}', '[1+22;3+4]'],
  ['\\text{Sunday}', 'sun'],
  ['5 \\text{ cubic inches}', '5cubic'],
  ['2 \\text{ million}', '2*10^6'],
  ['1 \\text{ or } 2', '1,2'],
  ['45^{\\circ}', '45^∘'],
  ['45^\\circ', '45'],
  ['{5}', '5'],
  ['\\$10', '10'],
  ['50\\%', '50'],
  ['3\\pi', '3pi'],
  ['\\infty', 'inf'],
  ['(-\\infty, 2) \\cup (3, \\infty)', '(-inf,2)u(3,inf)'],
  ['2 \\cdot 3', '2*3'],
  ['2 \\times 3', '2*3'],
  ['\\mbox{cm} 5', '5'],
  ['\\textbf{Yes}', 'yes'],
  ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3,pi/2)'],
  ['x^{2}', 'x^2'],
  ['\\{1, 2\\}', '1,2'],
  ['a~b', 'a~b'],
  ['2.99999999', '3'],
  ['\\frac{1}{2}', '1/2'],
  ['-\\frac{1}{2}', '-1/2'],
  ['\\sqrt{2}', 'sqrt(2)'],
  ['\\alpha + \\beta', 'α+β'],
  ['\\hat{x}', 'x̂'],
];

/** pylatexenc 2.10 `LatexNodes2Text().latex_to_text`. */
const latexTextCases: [string, string][] = [
  ['7 \\frac{1}{2}', '7 1/2'],
  ['\\begin{pmatrix} 1 \\\\ 3 \\\\ 1 \\end{pmatrix}', '[ 1; 3; 1 ]'],
  ['\\begin{pmatrix} 1 & 22 \\\\ 3 & 4 \\end{pmatrix}', '[  1 22;  3  4 ]'],
  ['\\left( 3, \\frac{\\pi}{2} \\right)', '( 3, π/2 )'],
  ['\\sqrt[3]{x}', '√(x)'],
  ['\\frac12', '1/2'],
  ['\\frac 13', '1/3'],
  ['x^{2}', 'x^2'],
  ['\\text{(B)}', '(B)'],
  ['\\boxed{5}', '5'],
  ['\\div', '÷'],
  ['45^{\\circ}', '45^∘'],
  ['\\sqrt2', '√(2)'],
  ['a~b', 'a b'],
  ['1--2', '1–2'],
  ['1---2', '1—2'],
  ['\\operatorname{sin} x', 'sin x'],
  ['\\mbox{cm}', ''],
  ['\\textsf{x}1', '1'],
  ['\\textbf{Yes}', 'Yes'],
  ['\\mathrm{m}', 'm'],
  ['2 \\cdot 3', '2 ·3'],
  ['2\\times 3', '2×3'],
  ['\\infty', '∞'],
  ['\\alpha+\\beta', 'α+β'],
  ['\\{1,2\\}', '{1,2}'],
  ['\\$5', '$5'],
  ['\\%', '%'],
  ['a \\, b', 'a   b'],
  ['a\\!b', 'ab'],
  ['\\frac{\\frac{1}{2}}{3}', '(1/2)/3'], // pylatexenc: '1/2/3'
  ['{1} {2}', '1 2'],
  ['\\begin{array}{cc} 1 & 2 \\end{array}', '[ 1 2 ]'],
  ['\\hspace{1cm}5', '5'],
  ['\\unknown{7}', '7'],
  ['\\pm 3', '±3'],
  ['\\le', '≤'],
  ['\\cup', '∪'],
  ['\\ln 2', 'ln2'],
  ['\\log_2 8', 'log_2 8'],
  ['\\overline{3}', '3'],
  ['\\begin{cases} 1 \\end{cases}', ' 1 '],
];

describe('MATH answer normalisation', () => {
  it('normalises like Hendrycks and PRM800K (first stage)', () => {
    for (const [input, expected] of mathdCases)
      expect({ input, output: normalizeMathd(input) }).toEqual({ input, output: expected });
  });

  it("normalises like PRM800K's grader (second stage)", () => {
    for (const [input, expected] of graderCases)
      expect({ input, output: normalizeGrader(input) }).toEqual({ input, output: expected });
  });

  it('converts LaTeX to text like pylatexenc', () => {
    for (const [input, expected] of latexTextCases)
      expect({ input, output: latexToText(input) }).toEqual({ input, output: expected });
  });

  // pylatexenc would convert this; maft's converter refuses past 64 levels, and the grader keeps the LaTeX.
  it('keeps the LaTeX when it nests too deeply to convert', () => {
    const deep = `${'{'.repeat(100)}1${'}'.repeat(100)}\\pi`;
    expect(normalizeGrader(deep)).toBe('1\\pi');
  });
});
