import { describe, it, expect } from 'vitest';
import {
  arithmeticOptionsSchema,
  arithmeticProblem,
  generateArithmetic,
  type ArithmeticOptions,
} from '../../src/tasks/arithmetic.js';
import { caught } from './expect-error.js';

/** An evaluator independent of the generator: split into +/- terms, each term a product of factors. */
function evaluate(expression: string): number {
  const terms = expression.match(/[+-]?[^+-]+/g) ?? [];
  return terms.reduce((sum, term) => {
    const sign = term.startsWith('-') ? -1 : 1;
    const product = term
      .replace(/^[+-]/, '')
      .split('*')
      .reduce((value, factor) => value * Number(factor), 1);
    return sum + sign * product;
  }, 0);
}

const options = (overrides: Partial<ArithmeticOptions> = {}): ArithmeticOptions =>
  arithmeticOptionsSchema.parse(overrides);

describe('arithmetic', () => {
  it('writes the paper form a+b*c+d-e*f with values in 0..29 and exact ground truths', () => {
    const problems = generateArithmetic(options());
    expect(problems).toHaveLength(1000);
    for (const problem of problems) {
      const expression = problem.id.replace(/^arithmetic\//, '');
      const values = expression.split(/[+*-]/).map(Number);
      expect(expression).toMatch(/^\d+\+\d+\*\d+\+\d+-\d+\*\d+$/);
      expect(values.every((value) => value >= 0 && value <= 29)).toBe(true);
      expect(problem.question).toBe(`What is the result of ${expression}?`);
      expect(problem.answer).toBe(String(evaluate(expression)));
      expect(problem.answerType).toBe('numeric');
    }
    // Both ends of the inclusive range are drawn.
    const all = problems.flatMap((problem) => problem.id.slice(11).split(/[+*-]/).map(Number));
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(29);
  });

  it('computes a known example', () => {
    expect(arithmeticProblem([3, 4, 5, 6, 7, 8])).toEqual({
      id: 'arithmetic/3+4*5+6-7*8',
      task: 'arithmetic',
      question: 'What is the result of 3+4*5+6-7*8?',
      answer: '-27',
      answerType: 'numeric',
    });
  });

  it('is seeded: same seed same problems, other seed other problems, smaller count a prefix', () => {
    const first = generateArithmetic(options({ seed: 7, count: 200 }));
    expect(generateArithmetic(options({ seed: 7, count: 200 }))).toEqual(first);
    expect(generateArithmetic(options({ seed: 8, count: 200 }))).not.toEqual(first);
    expect(generateArithmetic(options({ seed: 7, count: 50 }))).toEqual(first.slice(0, 50));
  });

  it('never repeats an expression, even when the range forces collisions', () => {
    const problems = generateArithmetic(options({ min: 0, max: 1, count: 64 }));
    expect(new Set(problems.map((problem) => problem.id)).size).toBe(64);
  });

  it('honours min and max', () => {
    const problems = generateArithmetic(options({ min: 5, max: 6, count: 20 }));
    const values = problems.flatMap((problem) => problem.id.slice(11).split(/[+*-]/).map(Number));
    expect(new Set(values)).toEqual(new Set([5, 6]));
  });

  it('refuses more problems than the range holds', async () => {
    const error = await caught(() => generateArithmetic(options({ min: 0, max: 1, count: 65 })));
    expect(error.code).toBe('NOT_ENOUGH_PROBLEMS');
    expect(error.message).toContain('only 64 distinct');
  });
});
