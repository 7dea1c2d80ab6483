import { beforeAll, describe, it, expect } from 'vitest';
import { isMathEquivalent } from '../../src/grading/math-equivalence.js';
import { explainMathEquivalence } from '../../src/grading/math-equivalence-wide.js';
import { extractAnswer } from '../../src/grading/extract-answer.js';

/**
 * Model answers are untrusted text: whatever they contain, the checker must return (true or false) within
 * a bounded time and never throw. Each case runs in both directions and must finish in under a second
 * (typically a few milliseconds; the bound is generous so a slow CI machine does not flake).
 */
const timeBoundMs = 1000;

const polynomial = Array.from({ length: 700 }, (_, index) => `${index + 1}x^${index % 10}`).join(' + ');
const nested = (open: string, close: string, depth: number, inner: string): string =>
  open.repeat(depth) + inner + close.repeat(depth);

const cases: { name: string; given: string; groundTruth: string; expected: boolean }[] = [
  { name: 'a power tower', given: '10^{10^{10}}', groundTruth: '1', expected: false },
  { name: 'a power tower against itself plus 0', given: '10^10^10', groundTruth: '10^10^10+0', expected: false },
  { name: '100 KB of opening braces', given: '{'.repeat(100_000), groundTruth: '1', expected: false },
  {
    name: '100 KB of balanced braces around 1',
    given: nested('{', '}', 50_000, '1'),
    groundTruth: '2',
    expected: false,
  },
  { name: 'an unbalanced \\frac{', given: '\\frac{', groundTruth: '\\frac{1}{2}', expected: false },
  { name: 'a \\frac with one argument', given: '\\frac{1}{', groundTruth: '\\frac{1}{2}', expected: false },
  { name: '2000 nested square roots', given: nested('\\sqrt{', '}', 2000, '2'), groundTruth: '2', expected: false },
  {
    name: '30 nested square roots, equal',
    given: nested('\\sqrt{', '}', 30, '2'),
    groundTruth: nested('\\sqrt{', '}', 30, '2+0'),
    expected: true,
  },
  { name: 'a 5000-character polynomial against itself', given: polynomial, groundTruth: polynomial, expected: true },
  {
    name: 'a 5000-character polynomial against another',
    given: polynomial,
    groundTruth: `${polynomial} + 1`,
    expected: false,
  },
  { name: '10000 nested parentheses', given: nested('(', ')', 10_000, '1'), groundTruth: '1', expected: false },
  { name: 'a huge negative exponent', given: '2^-99999', groundTruth: '0', expected: false },
  { name: 'a power of a sum', given: '(x+1)^-64', groundTruth: '1/(x+1)^64', expected: false },
  { name: 'repeated factorials', given: '9!!!!!', groundTruth: '2', expected: false },
  { name: 'a 1500-digit integer', given: '9'.repeat(1500), groundTruth: `${'9'.repeat(1499)}8`, expected: false },
  {
    name: 'products of powers',
    given: '(x+y)^9(x-y)^9(x+1)^9',
    groundTruth: '(x-y)^9(x+y)^9(1+x)^9+1',
    expected: false,
  },
  {
    name: 'a 3000-cell matrix',
    given: `\\begin{pmatrix}${Array.from({ length: 3000 }, (_, index) => index).join(' & ')}\\end{pmatrix}`,
    groundTruth: '1',
    expected: false,
  },
  { name: '10000 \\left(', given: `${'\\left('.repeat(10_000)}1`, groundTruth: '1', expected: false },
  { name: '5000 unit texts', given: '\\text{ a}'.repeat(5000), groundTruth: '1', expected: false },
  { name: '100 KB of dollars', given: '$'.repeat(100_000), groundTruth: '$', expected: false },
  { name: '20000 bare \\sqrt', given: '\\sqrt'.repeat(20_000), groundTruth: '1', expected: false },
  { name: '20000 bare \\frac', given: '\\frac'.repeat(20_000), groundTruth: '1', expected: false },
  { name: 'many thousands separators', given: '1,2341,234,5'.repeat(150), groundTruth: '1', expected: false },
  {
    name: 'a prototype name as macro and environment',
    given: '\\constructor{1}\\begin{toString}2\\end{toString}',
    groundTruth: '12',
    expected: true,
  },
  { name: 'control characters', given: '\u0000\\frac{1}{2}\u0007', groundTruth: '\\frac12', expected: false },
  { name: 'lone surrogates', given: '\ud800\\sqrt{2}', groundTruth: '\\sqrt{2}', expected: false },
];

describe('MATH answer checker on adversarial answers', () => {
  beforeAll(() => {
    isMathEquivalent('2\\sqrt{2}', '\\sqrt{8}'); // start the compute engine outside the timed calls
  });

  for (const { name, given, groundTruth, expected } of cases) {
    it(`returns ${expected} for ${name}, quickly and without throwing`, () => {
      for (const [first, second] of [
        [given, groundTruth],
        [groundTruth, given],
      ] as const) {
        const start = performance.now();
        const verdict = isMathEquivalent(first, second);
        expect(performance.now() - start).toBeLessThan(timeBoundMs);
        expect(verdict).toBe(expected);
      }
    });
  }
});

describe('default grading mode on adversarial answers', () => {
  beforeAll(() => {
    explainMathEquivalence('2\\sqrt{2}', '\\sqrt{8}');
  });

  for (const { name, given, groundTruth } of cases) {
    it(`compares ${name} within the bound, both ways, without throwing`, () => {
      for (const [first, second] of [
        [given, groundTruth],
        [groundTruth, given],
      ] as const) {
        const start = performance.now();
        const verdict = explainMathEquivalence(first, second);
        expect(performance.now() - start).toBeLessThan(timeBoundMs);
        // Widening never turns the reference's "equal" into "not equal".
        if (isMathEquivalent(first, second)) expect(verdict.correct).toBe(true);
      }
    });
  }

  const sets = (count: number) =>
    `\\{${Array.from({ length: count }, (_, index) => `x^${index % 9}+${index}`).join(', ')}\\}`;
  it.each([
    ['a 24-element set against its reverse order', sets(24), sets(24).replace('x^0+0', 'x^0+0')],
    ['a 500-element list', Array.from({ length: 500 }, (_, index) => index).join(', '), '1'],
    [
      'a 30x30 matrix',
      `\\begin{pmatrix}${Array.from({ length: 30 }, () => Array.from({ length: 30 }, (_, index) => `\\frac{${index}}{7}`).join(' & ')).join(' \\\\ ')}\\end{pmatrix}`,
      '\\begin{pmatrix}1\\end{pmatrix}',
    ],
    ['a chain of 1000 inequalities', Array.from({ length: 1000 }, (_, index) => index).join(' < '), 'x < 1'],
  ])('compares %s within the bound', (_name, given, groundTruth) => {
    const start = performance.now();
    explainMathEquivalence(given, groundTruth);
    explainMathEquivalence(groundTruth, given);
    expect(performance.now() - start).toBeLessThan(timeBoundMs);
  });

  it.each([
    ['100 KB of dollars', '$'.repeat(100_000)],
    ['100 KB of unclosed boxes', '\\boxed{'.repeat(15_000)],
    ['100 KB of \\(', '\\('.repeat(50_000)],
    ['100 KB of digits and commas', '1,2'.repeat(35_000)],
    ['100 KB of "the answer is"', 'the answer is '.repeat(7_000)],
    ['100 KB of inline math', '$x$ '.repeat(25_000)],
  ])('extracts from %s within the bound, for every answer type', (_name, text) => {
    const start = performance.now();
    for (const answerType of ['numeric', 'math', 'choice', 'exact'] as const) extractAnswer(text, answerType);
    expect(performance.now() - start).toBeLessThan(timeBoundMs * 4);
  });
});
