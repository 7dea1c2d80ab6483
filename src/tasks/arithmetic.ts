import { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';
import type { Problem } from '../spec/problem.js';
import { createRandom, deriveSeed } from '../util/random.js';
import type { Task } from './task.js';

/**
 * The paper's arithmetic task: `a+b*c+d-e*f` with six values drawn uniformly and independently. Generated,
 * not loaded, so it needs no files; the ground truth is computed exactly (the values stay far below 2^53).
 */
export const arithmeticOptionsSchema = z
  .strictObject({
    /** Smallest value drawn (inclusive). Default 0. Negative values would need parentheses, so ≥ 0. */
    min: z.int().min(0).default(0),
    /**
     * Largest value drawn (inclusive). Default 29: the paper says "up to 30" and its code draws
     * `randint(0, 30)` with an exclusive bound (docs/method.md, "Data sets and splits").
     */
    max: z.int().max(1_000_000).default(29),
    /** How many distinct problems to generate. Default 1000: the paper's 500 finetune + 500 eval. */
    count: z.int().min(1).max(1_000_000).default(1000),
    /** Generation seed. Default 0. The same seed, min and max always give the same sequence. */
    seed: z.int().default(0),
  })
  .refine((options) => options.max >= options.min, { message: 'max must be ≥ min', path: ['max'] });

export type ArithmeticOptions = z.output<typeof arithmeticOptionsSchema>;

/** The six operands, in order, of `a+b*c+d-e*f`. */
export type Operands = readonly [number, number, number, number, number, number];

export function arithmeticExpression([a, b, c, d, e, f]: Operands): string {
  return `${a}+${b}*${c}+${d}-${e}*${f}`;
}

export function arithmeticValue([a, b, c, d, e, f]: Operands): number {
  return a + b * c + d - e * f;
}

export function arithmeticProblem(operands: Operands): Problem {
  const expression = arithmeticExpression(operands);
  return {
    id: `arithmetic/${expression}`,
    task: 'arithmetic',
    question: `What is the result of ${expression}?`,
    answer: String(arithmeticValue(operands)),
    answerType: 'numeric',
  };
}

/**
 * The first `count` distinct expressions of the seeded stream. The stream does not depend on `count`, so a
 * smaller count always gives a prefix of a larger one (the same seed never reshuffles earlier problems).
 * Asking for more distinct problems than the range allows is NOT_ENOUGH_PROBLEMS.
 */
export function generateArithmetic(options: ArithmeticOptions): Problem[] {
  const { min, max, count, seed } = options;
  const possible = (max - min + 1) ** 6;
  if (count > possible) {
    throw new MaftError(
      'NOT_ENOUGH_PROBLEMS',
      `only ${possible} distinct arithmetic problems exist with values in ${min}..${max}; asked for ${count}`,
      { field: 'count' },
    );
  }
  const random = createRandom(deriveSeed(seed, 'arithmetic', min, max));
  const seen = new Set<string>();
  const problems: Problem[] = [];
  while (problems.length < count) {
    const draw = (): number => random.integer(min, max);
    const operands: Operands = [draw(), draw(), draw(), draw(), draw(), draw()];
    const problem = arithmeticProblem(operands);
    if (seen.has(problem.id)) continue; // a repeat would make the splits overlap
    seen.add(problem.id);
    problems.push(problem);
  }
  return problems;
}

export function loadArithmetic(options: ArithmeticOptions): Task {
  return { name: 'arithmetic', answerType: 'numeric', problems: generateArithmetic(options) };
}
