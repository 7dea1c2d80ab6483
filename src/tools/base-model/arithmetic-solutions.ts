import type { Operands } from '../../tasks/arithmetic.js';
import type { Random } from '../../util/random.js';

/**
 * Worked solutions of `a+b*c+d-e*f` in the format maft's base model is taught: the two products, then the sums
 * left to right, a one-line bullet summary, and the boxed answer. A negative last step is written as a
 * positive subtraction first (`72 - 50 = 22, so 50 - 72 = -22`): notes/llama-cpp.md measured that a small model
 * learns that far more easily than subtracting into negatives directly.
 */
export interface WorkedSolution {
  text: string;
  answer: number;
}

/** The five intermediate values; a wrong solution is the right one with one step off. */
interface Steps {
  product1: number;
  product2: number;
  sum1: number;
  sum2: number;
  result: number;
}

function correctSteps([a, b, c, d, e, f]: Operands): Steps {
  const product1 = b * c;
  const product2 = e * f;
  const sum1 = a + product1;
  const sum2 = sum1 + d;
  return { product1, product2, sum1, sum2, result: sum2 - product2 };
}

/** How the last subtraction `x - y` (x ≥ y) is written: one step, or worked out (always right) as a re-check. */
type SubtractionStyle = 'one-step' | 'chained' | 'columns';

function render([a, b, c, d, e, f]: Operands, steps: Steps, style: SubtractionStyle = 'one-step'): WorkedSolution {
  const { product1, product2, sum1, sum2, result } = steps;
  // The written difference is the steps' result (a wrong solution's slip included), never recomputed here.
  const subtract = (x: number, y: number, difference: number) =>
    style === 'chained'
      ? chainedSubtraction(x, y)
      : style === 'columns'
        ? columnSubtraction(x, y)
        : `${x} - ${y} = ${difference}`;
  const last =
    sum2 >= product2
      ? subtract(sum2, product2, result)
      : `${subtract(product2, sum2, -result)}, so ${sum2} - ${product2} = ${result}`;
  const text = [
    `${b}*${c} = ${product1}`,
    `${e}*${f} = ${product2}`,
    `${a} + ${product1} = ${sum1}`,
    `${sum1} + ${d} = ${sum2}`,
    last,
    '- Multiply first, then add and subtract from left to right.',
    `\\boxed{${result}}`,
  ].join('\n');
  return { text, answer: result };
}

/** The right worked solution. */
export function correctSolution(operands: Operands): WorkedSolution {
  return render(operands, correctSteps(operands));
}

/**
 * The right worked solution with its last subtraction written as a chain of two easy steps, tens then units
 * (`71 - 48 = 71 - 40 - 8 = 31 - 8 = 23`): the way a `careful` critic works a problem again
 * (arithmetic-curriculum.ts). Each step changes one digit of a number (plus a borrow), a fact of a table of ~1 000
 * where the one-step subtraction is one of ~10 000, so a small model can learn it from far fewer examples.
 */
export function carefulSolution(operands: Operands): WorkedSolution {
  return render(operands, correctSteps(operands), 'chained');
}

/**
 * The right worked solution with its last subtraction worked digit by digit, units then tens, as on paper
 * (`71 - 48: 11 - 8 = 3, 6 - 4 = 2, so 71 - 48 = 23`): the way a `columns` critic works a problem again
 * (arithmetic-curriculum.ts). Each step is a fact of a table of about a hundred (a digit or a teen minus a digit;
 * a borrow shows as the units written with their ten and the tens one less), where the one-step subtraction is one
 * of ~10 000 and the `careful` chain's tens step one of ~1 000; every digit the steps need is on the line before it.
 */
export function columnSolution(operands: Operands): WorkedSolution {
  return render(operands, correctSteps(operands), 'columns');
}

/** `x - y` for x ≥ y ≥ 0 in columns (the tens column holds every digit above the units; two digits at the task's max 9). */
export function columnSubtraction(x: number, y: number): string {
  const borrow = x % 10 < y % 10;
  const units = (x % 10) + (borrow ? 10 : 0);
  const tens = Math.floor(x / 10) - (borrow ? 1 : 0);
  const [unitsOf, tensOf] = [y % 10, Math.floor(y / 10)];
  return `${x} - ${y}: ${units} - ${unitsOf} = ${units - unitsOf}, ${tens} - ${tensOf} = ${tens - tensOf}, so ${x} - ${y} = ${x - y}`;
}

/** `x - y` for x ≥ y ≥ 0, tens first then units; a subtrahend of one digit or a multiple of ten is one step. */
export function chainedSubtraction(x: number, y: number): string {
  const tens = y - (y % 10);
  const units = y % 10;
  if (tens === 0 || units === 0) return `${x} - ${y} = ${x - y}`;
  return `${x} - ${y} = ${x} - ${tens} - ${units} = ${x - tens} - ${units} = ${x - y}`;
}

/**
 * A plausible wrong solution: one step slips (a product or a sum off by a small amount, or a digit dropped) and
 * the later steps follow from the slip, as a model's mistakes do. Never equal to the right answer.
 */
export function wrongSolution(operands: Operands, random: Random): WorkedSolution {
  const steps = correctSteps(operands);
  // Off by 1..10 either way, never below zero (a model's slips stay plausible numbers).
  const slipped = (value: number) => {
    const size = random.integer(1, 10);
    return random.next() < 0.5 && value - size >= 0 ? value - size : value + size;
  };
  const which = random.integer(0, 3);
  if (which === 0) steps.product1 = slipped(steps.product1);
  else if (which === 1) steps.product2 = slipped(steps.product2);
  else if (which === 2) steps.sum1 = slipped(steps.sum1);
  else steps.sum2 = slipped(steps.sum2);
  if (which <= 2) {
    if (which === 0) steps.sum1 = operands[0] + steps.product1;
    steps.sum2 = steps.sum1 + operands[3];
  }
  // Every slip moves the result by ±slip, so it never lands back on the right answer.
  steps.result = steps.sum2 - steps.product2;
  return render(operands, steps);
}

/**
 * A wrong solution whose slip is in the last subtraction — the step where maft's base model errs. Counted from the
 * round-1 replies of 500 held-out debates of the shipped model (1 500 replies): 0 of 3 000 products, 9 of 3 000
 * additions and 525 of 1 499 subtractions were false, and 517 of the 550 wrong replies first went wrong at the
 * subtraction. The difference is off by 10 (a dropped borrow) half the time, else by 1..9, and keeps its sign, so
 * the line is wrong on its face.
 */
export function wrongSubtraction(operands: Operands, random: Random): WorkedSolution {
  const steps = correctSteps(operands);
  const difference = Math.abs(steps.result);
  const size = random.next() < 0.5 ? 10 : random.integer(1, 9);
  const slipped = random.next() < 0.5 && difference - size >= 0 ? difference - size : difference + size;
  steps.result = steps.sum2 >= steps.product2 ? slipped : -slipped;
  return render(operands, steps);
}

/** The two numbers the last step subtracts: `a + b*c + d` and `e*f`. */
export function lastStep([a, b, c, d, e, f]: Operands): { minuend: number; subtrahend: number } {
  return { minuend: a + b * c + d, subtrahend: e * f };
}
