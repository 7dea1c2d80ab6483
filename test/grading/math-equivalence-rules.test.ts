import { describe, it, expect } from 'vitest';
import { isMathEquivalent } from '../../src/grading/math-equivalence.js';

/**
 * One or more cases per rule of the checker, as [given, ground truth, verdict]. Unless a case is in the
 * last group, the verdict is the reference checker's (PRM800K's grader with pylatexenc 2.10 and sympy,
 * run on these exact strings).
 */
type Case = [given: string, groundTruth: string, equivalent: boolean];

const rules: Record<string, Case[]> = {
  'fractions: \\dfrac, \\tfrac and \\frac12 are \\frac{1}{2}; a/b is a fraction': [
    ['\\dfrac{1}{2}', '\\frac12', true],
    ['\\tfrac12', '\\frac{1}{2}', true],
    ['3/4', '\\frac{3}{4}', true],
  ],
  'decimals: 0.5 and .5 are 1/2; terminating decimals equal their fraction, rounded ones do not': [
    ['0.5', '\\frac{1}{2}', true],
    ['.5', '0.5', true],
    ['13.5', '\\frac{27}{2}', true],
    ['1.7', '\\frac{17}{10}', true],
    ['0.333', '\\frac{1}{3}', false],
    ['0.3333333333333333', '\\frac13', false],
    // Up to 15 digits sympy compared as doubles, and this is the double nearest 1000/1001.
    ['0.999000999000999', '\\frac{1000}{1001}', true],
    ['\\pi', '3.14', false],
  ],
  'unreduced fractions must match as written': [
    ['\\frac{2}{4}', '\\frac{1}{2}', false],
    ['2/4', '1/2', false],
    ['\\frac{1}{2}', '\\frac{2}{4}', false],
  ],
  'integers: an integer ground truth needs an integer answer, and the other way round': [
    ['\\frac{145}{1}', '145', false],
    ['145.0', '145', true],
    ['146', '145', false],
    ['145', '\\frac{290}{2}', false],
  ],
  'tuples and intervals compare element by element, in order, with the same brackets': [
    ['(1,2)', '(2,1)', false],
    ['(1,2)', '(1,2)', true],
    ['(1, 2)', '\\left(1,2\\right)', true],
    ['[1,2)', '[1,2]', false],
    ['(1,2)', '[1,2]', false],
    ['(1,2,3)', '(1,2)', false],
    ['[1, \\infty)', '[1,\\infty)', true],
    ['(-\\infty, 2) \\cup (3, \\infty)', '(-\\infty,2)\\cup(3,\\infty)', true],
    ['(1,000, 2)', '(1000,2)', true],
  ],
  'roots and other symbolic equalities': [
    ['\\sqrt{8}', '2\\sqrt{2}', true],
    ['\\sqrt2', '\\sqrt{2}', true],
    ['\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt{3}}', true],
    ['\\frac{\\pi}{2}', '\\frac{1}{2}\\pi', true],
    ['x^2+2x+1', '(x+1)^2', true],
    ['(x-1)(x+1)', 'x^2-1', true],
    ['2x', 'x+x', true],
    ['3i', '3i', true],
    ['\\infty', '\\infty', true],
    ['-\\infty', '\\infty', false],
  ],
  'the symbolic check is skipped for three or more letters and for nested or long exponents': [
    ['a+b+c', 'c+b+a', false],
    ['2^{2^{2}}', '16', false],
    ['x^{10}', 'x^{10}', true],
    ['x^{10}\\cdot 1', 'x^{10}', false],
    // sympy reads `isqrt(9)` as i·s·q·r·t·9; so do we.
    ['i\\sqrt{9}', '3i', false],
  ],
  'a short left-hand side is dropped: x = 5 is 5': [
    ['x=5', '5', true],
    ['x = 5', '5', true],
    ['y = 2x+1', '2x+1', true],
    ['k=5', 'x=5', true],
  ],
  'degrees, percent, dollars and units are ignored': [
    ['45^\\circ', '45', true],
    ['45^{\\circ}', '45', true],
    ['45 degrees', '45', true],
    ['45', '45^\\circ', true],
    ['25\\%', '25', true],
    ['25%', '25', true],
    ['25', '25\\%', true],
    ['\\$23.40', '23.40', true],
    ['23.4', '\\$23.40', true],
    ['5225', '5225 \\text{ cubic inches}', true],
    ['145\\text{ cm}', '145', true],
    ['20', '20 \\text{ sq units}', true],
  ],
  'text answers: \\text{} unwrapped, case ignored, a lettered choice in parentheses': [
    ['B', '\\text{(B)}', true],
    ['(B)', '\\text{(B)}', true],
    ['C', '\\text{(B)}', false],
    ['\\text{Sunday}', 'Sunday', true],
    ['may', '\\text{May}', true],
  ],
  'thousands separators and mixed numbers': [
    ['12441600', '12,\\!441,\\!600', true],
    ['1,000', '1000', true],
    ['1{,}000', '1000', true],
    ['2\\frac{1}{4}', '\\frac{9}{4}', true],
    ['\\frac{9}{4}', '2\\frac{1}{4}', true],
    ['2.25', '2\\frac14', true],
  ],
  'matrices, "and", empty answers': [
    ['\\begin{pmatrix} 1 \\\\ 3 \\\\ 1 \\end{pmatrix}', '\\begin{pmatrix}1\\\\3\\\\1\\end{pmatrix}', true],
    ['\\begin{pmatrix} 1 \\\\ 3 \\end{pmatrix}', '\\begin{pmatrix} 3 \\\\ 1 \\end{pmatrix}', false],
    ['1 \\text{ and } 2', '1, 2', true],
    ['2 \\text{ million}', '2000000', false],
    ['', '5', false],
    ['5', '', false],
    ['\\text{ }', '5', false],
  ],
};

/** Where maft departs from the reference on purpose: the reference verdict is the opposite. */
const deliberateDepartures: [...Case, string][] = [
  ['\\frac{x+1}{2}', '(x+1)/2', true, 'pylatexenc writes \\frac{x+1}{2} as x+1/2, which sympy reads as x + 1/2'],
  ['\\frac{x^2-1}{x-1}', 'x+1', true, 'the same: the reference compared x^2-1/x-1 with x+1'],
  [
    '\\frac{1}{2}+\\frac{\\sqrt{5}}{2}',
    '\\frac{1+\\sqrt{5}}{2}',
    true,
    'the same: the reference read the ground truth as 1+√5/2',
  ],
  ['1+\\sqrt{5}/2', '\\frac{1+\\sqrt{5}}{2}', false, 'the same bug made the reference accept this wrong answer'],
  [
    '\\left(\\frac{2\\sqrt{2}}{2}, 1\\right)',
    '(\\sqrt{2}, 1)',
    true,
    'the reference never split a tuple with brackets inside its elements',
  ],
  ['-2\\frac{1}{4}', '-\\frac{9}{4}', true, 'the reference read the negative mixed number −2¼ as −2 + 1/4'],
  ['0.1+0.2', '0.3', true, 'sympy added the decimals as binary floats; they are exact here'],
  ['54.60000000000000', '54.6', true, 'the same value: sympy gave the longer decimal more binary precision'],
  ['12345678901234567891', '12345678901234567890', false, 'the reference compared integers through doubles'],
];

describe('MATH answer checker rules', () => {
  for (const [rule, cases] of Object.entries(rules)) {
    it(rule, () => {
      for (const [given, groundTruth, equivalent] of cases) {
        expect({ given, groundTruth, verdict: isMathEquivalent(given, groundTruth) }).toEqual({
          given,
          groundTruth,
          verdict: equivalent,
        });
      }
    });
  }

  it('departs from the reference where the reference is wrong', () => {
    for (const [given, groundTruth, equivalent] of deliberateDepartures) {
      expect({ given, groundTruth, verdict: isMathEquivalent(given, groundTruth) }).toEqual({
        given,
        groundTruth,
        verdict: equivalent,
      });
    }
  });
});
