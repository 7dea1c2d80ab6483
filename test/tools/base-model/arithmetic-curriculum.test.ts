import { describe, expect, it } from 'vitest';
import {
  carefulUpdate,
  checkLine,
  checkedUpdate,
  curriculumExample,
  weighedUpdate,
} from '../../../src/tools/base-model/arithmetic-curriculum.js';
import {
  correctSolution,
  lastStep,
  wrongSolution,
  wrongSubtraction,
  carefulSolution,
  columnSolution,
  columnSubtraction,
  chainedSubtraction,
} from '../../../src/tools/base-model/arithmetic-solutions.js';
import { defaultPromptTemplates } from '../../../src/debate/prompts.js';
import { extractAnswer } from '../../../src/grading/extract-answer.js';
import type { Operands } from '../../../src/tasks/arithmetic.js';
import { createRandom } from '../../../src/util/random.js';

/** Evaluate a worked line like `12*26 = 312`, `363 - 72 = 291` or `72 - 50 = 22, so 50 - 72 = -22`. */
function checkLineOf(line: string): boolean {
  return line.split(', so ').every((part) => {
    const match = /^(\d+) ?([-+*]) ?(\d+) = (-?\d+)$/.exec(part);
    if (!match) return false;
    const [, left, operator, right, result] = match;
    const value =
      operator === '+'
        ? Number(left) + Number(right)
        : operator === '-'
          ? Number(left) - Number(right)
          : Number(left) * Number(right);
    return value === Number(result);
  });
}

describe('arithmetic worked solutions', () => {
  it('are right step by step and box the value of a+b*c+d-e*f', () => {
    const random = createRandom(3);
    for (let index = 0; index < 500; index++) {
      const operands = Array.from({ length: 6 }, () => random.integer(0, 29)) as unknown as Operands;
      const [a, b, c, d, e, f] = operands;
      const solution = correctSolution(operands);
      expect(solution.answer).toBe(a + b * c + d - e * f);
      const lines = solution.text.split('\n');
      expect(lines.slice(0, 5).every(checkLineOf), solution.text).toBe(true);
      expect(extractAnswer(solution.text, 'numeric')).toBe(String(solution.answer));
    }
  });

  it('wrong ones are wrong, by a slip that the later steps carry', () => {
    const random = createRandom(4);
    for (let index = 0; index < 500; index++) {
      const operands = Array.from({ length: 6 }, () => random.integer(0, 29)) as unknown as Operands;
      const wrong = wrongSolution(operands, random);
      expect(wrong.answer).not.toBe(correctSolution(operands).answer);
      expect(extractAnswer(wrong.text, 'numeric')).toBe(String(wrong.answer));
      const lines = wrong.text.split('\n').slice(0, 5);
      // exactly one of the five steps is false arithmetic; the others follow from it
      expect(lines.filter((line) => !checkLineOf(line)).length, wrong.text).toBeLessThanOrEqual(1);
    }
  });
});

describe('the curriculum', () => {
  it("uses maft's own prompts and puts the loss on a final, boxed-or-summary reply", () => {
    const templates = defaultPromptTemplates('numeric');
    const kinds = new Map<string, number>();
    for (let index = 0; index < 400; index++) {
      const example = curriculumExample(index, { seed: 1, min: 0, max: 29 });
      kinds.set(example.kind, (kinds.get(example.kind) ?? 0) + 1);
      expect(example.completion.role).toBe('assistant');
      expect(example.prompt.at(-1)?.role).toBe('user');
      if (example.kind === 'summary') {
        expect(example.prompt[0]?.content).toContain('Write a summary of the different opinions');
        expect(example.completion.content).toMatch(/^One agent found .* and the answer -?\d+\./);
      } else {
        expect(example.prompt[0]?.content.startsWith(templates.question.split('{question}')[0] as string)).toBe(true);
        expect(extractAnswer(example.completion.content, 'numeric')).not.toBeNull();
      }
    }
    expect([...kinds.keys()].sort()).toEqual(['answer', 'summary', 'update-after-answers', 'update-after-summary']);
    expect(curriculumExample(7, { seed: 1, min: 0, max: 29 })).toEqual(
      curriculumExample(7, { seed: 1, min: 0, max: 29 }),
    );
  });
});

describe("a critic's update weighs the others' answers", () => {
  const operands = [3, 4, 5, 6, 2, 7] as unknown as Operands;
  const right = correctSolution(operands);
  const wrong = (seed: number) => wrongSolution(operands, createRandom(seed));

  it('keeps its own solution word for word when another agent reached the same answer, even a wrong one', () => {
    const own = wrong(1);
    const update = weighedUpdate(own, [wrong(2), own], right);
    expect(update).toBe(`Another agent also found ${own.answer}, so I keep my answer.\n${own.text}`);
  });

  it('says a contradiction and works the problem again when the others agree on another answer', () => {
    const own = wrong(3);
    const update = weighedUpdate(own, [right, right], right);
    expect(update.split('\n')[0]).toBe(
      `The other agents found ${right.answer}, not my ${own.answer}, so I check my solution again.`,
    );
    expect(update.endsWith(right.text)).toBe(true);
  });

  it('names every answer and works the problem again when all differ', () => {
    const own = right;
    const [first, second] = [wrong(4), wrong(5)];
    if (first.answer === second.answer) throw new Error('test setup: the two wrong answers must differ');
    const update = weighedUpdate(own, [first, second], right);
    expect(update.split('\n')[0]).toBe(
      `The answers differ (mine ${own.answer}, the others ${first.answer} and ${second.answer}), so I check my solution again.`,
    );
    expect(extractAnswer(update, 'numeric')).toBe(String(right.answer));
  });
});

describe('a wrong last subtraction (the slip the base model makes)', () => {
  it('is wrong only in the last step, keeps its sign, and is off by 1..10', () => {
    const random = createRandom(8);
    for (let index = 0; index < 500; index++) {
      const operands = Array.from({ length: 6 }, () => random.integer(0, 9)) as unknown as Operands;
      const right = correctSolution(operands);
      const wrong = wrongSubtraction(operands, random);
      const lines = wrong.text.split('\n');
      expect(lines.slice(0, 4).every(checkLineOf), wrong.text).toBe(true);
      expect(checkLineOf(lines[4] as string), wrong.text).toBe(false);
      expect(lines.slice(0, 4)).toEqual(right.text.split('\n').slice(0, 4));
      const off = Math.abs(wrong.answer - right.answer);
      expect(off >= 1 && off <= 10, wrong.text).toBe(true);
      expect(Math.sign(wrong.answer) * Math.sign(right.answer)).not.toBe(-1);
      expect(extractAnswer(wrong.text, 'numeric')).toBe(String(wrong.answer));
    }
  });
});

describe("a checking critic's update", () => {
  it('checks an answer by the addition that undoes the last subtraction, for results ≥ 0 and < 0', () => {
    expect(checkLine(39, { minuend: 47, subtrahend: 8 })).toBe('Check 39: 39 + 8 = 47, so 47 - 8 = 39 is right.');
    expect(checkLine(29, { minuend: 47, subtrahend: 8 })).toBe('Check 29: 29 + 8 = 37, not 47.');
    expect(checkLine(-33, { minuend: 23, subtrahend: 56 })).toBe('Check -33: 33 + 23 = 56, so 23 - 56 = -33 is right.');
    expect(checkLine(-43, { minuend: 23, subtrahend: 56 })).toBe('Check -43: 43 + 23 = 66, not 56.');
    expect(checkLine(-3, { minuend: 47, subtrahend: 8 })).toBe('Check -3: not right, 47 - 8 is not below 0.');
    expect(checkLine(3, { minuend: 8, subtrahend: 47 })).toBe('Check 3: not right, 8 - 47 is below 0.');
  });

  const operands = [3, 4, 5, 6, 2, 7] as unknown as Operands; // 3 + 20 + 6 - 14 = 15
  const right = correctSolution(operands);
  const step = lastStep(operands);
  const slip = (seed: number) => wrongSubtraction(operands, createRandom(seed));

  it('keeps a confirmed answer unchecked (checks) or checks it (checks-always)', () => {
    const own = slip(1);
    expect(checkedUpdate(own, [own, right], right, step, false)).toBe(
      `Another agent also found ${own.answer}, so I keep my answer.\n${own.text}`,
    );
    const checked = checkedUpdate(right, [right, own], right, step, true).split('\n');
    expect(checked.slice(0, 4)).toEqual([
      'Another agent also found 15, so I check it with an addition.',
      'Check 15: 15 + 14 = 29, so 29 - 14 = 15 is right.',
      `Check ${own.answer}: ${own.answer} + 14 = ${own.answer + 14}, not 29.`,
      'So the answer is 15.',
    ]);
  });

  it('checks each answer once, its own first, and ends in the right solution — or says none is right', () => {
    const [a, b] = [slip(2), slip(3)];
    const contradicted = checkedUpdate(a, [right, right], right, step, false).split('\n');
    expect(contradicted[0]).toBe(`The other agents found 15, not my ${a.answer}, so I check each with an addition.`);
    expect(contradicted.filter((line) => line.startsWith('Check '))).toHaveLength(2);
    expect(contradicted.slice(3).join('\n')).toBe(`So the answer is 15.\n${right.text}`);
    const none = checkedUpdate(a, [b, b], right, step, false);
    expect(none).toContain('None of them is right, so I work it again.');
    expect(extractAnswer(none, 'numeric')).toBe('15');
  });

  it('leaves the weighed curriculum as it was (the shipped model stays reproducible)', () => {
    for (const index of [0, 5, 17, 40, 99]) {
      const options = { seed: 1, min: 0, max: 9 };
      expect(curriculumExample(index, { ...options, critic: 'weighed' })).toEqual(curriculumExample(index, options));
    }
  });
});

describe("a careful critic's update", () => {
  it('chains a subtraction tens first, then units, and writes an easy one in one step', () => {
    expect(chainedSubtraction(71, 48)).toBe('71 - 48 = 71 - 40 - 8 = 31 - 8 = 23');
    expect(chainedSubtraction(47, 8)).toBe('47 - 8 = 39');
    expect(chainedSubtraction(47, 40)).toBe('47 - 40 = 7');
    expect(chainedSubtraction(16, 16)).toBe('16 - 16 = 16 - 10 - 6 = 6 - 6 = 0');
  });

  it('works every problem to the right answer, a negative one through the positive difference', () => {
    const random = createRandom(11);
    for (let index = 0; index < 500; index++) {
      const operands = Array.from({ length: 6 }, () => random.integer(0, 9)) as unknown as Operands;
      const careful = carefulSolution(operands);
      const right = correctSolution(operands);
      expect(careful.answer).toBe(right.answer);
      expect(extractAnswer(careful.text, 'numeric')).toBe(String(right.answer));
      expect(careful.text.split('\n').slice(0, 4)).toEqual(right.text.split('\n').slice(0, 4));
    }
    const negative = carefulSolution([1, 2, 3, 4, 9, 8] as unknown as Operands); // 1 + 6 + 4 - 72 = -61
    expect(negative.text.split('\n')[4]).toBe('72 - 11 = 72 - 10 - 1 = 62 - 1 = 61, so 11 - 72 = -61');
  });

  const operands = [3, 4, 5, 6, 2, 7] as unknown as Operands; // 3 + 20 + 6 - 14 = 15
  const right = correctSolution(operands);
  const careful = carefulSolution(operands);
  const slip = (seed: number) => wrongSubtraction(operands, createRandom(seed));

  it('keeps its answer only when both others found it, and re-works a 2–1 split either way', () => {
    const wrong = slip(1);
    expect(carefulUpdate(wrong, [wrong, wrong], careful)).toBe(
      `The other agents also found ${wrong.answer}, so I keep my answer.\n${wrong.text}`,
    );
    // A wrong answer one other agent confirmed is worked again: only that can overturn a wrong 2–1 majority.
    expect(carefulUpdate(wrong, [wrong, right], careful)).toBe(
      `The answers differ (mine ${wrong.answer}, the others ${wrong.answer} and 15), so I check my solution again.\n${careful.text}`,
    );
    expect(carefulUpdate(wrong, [right, right], careful)).toBe(
      `The other agents found 15, not my ${wrong.answer}, so I check my solution again.\n${careful.text}`,
    );
  });
});

describe("a columns critic's re-check", () => {
  it('subtracts units then tens, a borrow written into both columns', () => {
    expect(columnSubtraction(71, 48)).toBe('71 - 48: 11 - 8 = 3, 6 - 4 = 2, so 71 - 48 = 23');
    expect(columnSubtraction(79, 48)).toBe('79 - 48: 9 - 8 = 1, 7 - 4 = 3, so 79 - 48 = 31');
    expect(columnSubtraction(71, 8)).toBe('71 - 8: 11 - 8 = 3, 6 - 0 = 6, so 71 - 8 = 63');
    expect(columnSubtraction(71, 68)).toBe('71 - 68: 11 - 8 = 3, 6 - 6 = 0, so 71 - 68 = 3');
    expect(columnSubtraction(5, 3)).toBe('5 - 3: 5 - 3 = 2, 0 - 0 = 0, so 5 - 3 = 2');
    expect(columnSubtraction(16, 16)).toBe('16 - 16: 6 - 6 = 0, 1 - 1 = 0, so 16 - 16 = 0');
  });

  it('has every column step right and ends on the right difference, for every pair the task can make', () => {
    for (let x = 0; x <= 99; x++) {
      for (let y = 0; y <= Math.min(x, 81); y++) {
        const match = /^(\d+) - (\d+): (\d+) - (\d+) = (\d+), (\d+) - (\d+) = (\d+), so \1 - \2 = (\d+)$/.exec(
          columnSubtraction(x, y),
        );
        expect(match).not.toBeNull();
        const [u1, u2, du, t1, t2, dt, difference] = (match ?? []).slice(3).map(Number) as number[];
        expect([u1! - u2!, t1! - t2!]).toEqual([du, dt]);
        expect(du! >= 0 && du! <= 9 && u1! <= 19 && t1! <= 9).toBe(true);
        expect(10 * dt! + du!).toBe(x - y);
        expect(difference).toBe(x - y);
      }
    }
  });

  it('works every problem to the right answer, the rest of the solution as a first answer writes it', () => {
    const random = createRandom(12);
    for (let index = 0; index < 500; index++) {
      const operands = Array.from({ length: 6 }, () => random.integer(0, 9)) as unknown as Operands;
      const columns = columnSolution(operands);
      const right = correctSolution(operands);
      expect(columns.answer).toBe(right.answer);
      expect(extractAnswer(columns.text, 'numeric')).toBe(String(right.answer));
      expect(columns.text.split('\n').filter((_, line) => line !== 4)).toEqual(
        right.text.split('\n').filter((_, line) => line !== 4),
      );
    }
    const negative = columnSolution([1, 2, 3, 4, 9, 8] as unknown as Operands); // 1 + 6 + 4 - 72 = -61
    expect(negative.text.split('\n')[4]).toBe('72 - 11: 2 - 1 = 1, 7 - 1 = 6, so 72 - 11 = 61, so 11 - 72 = -61');
  });

  it('is the re-check of a columns curriculum, under the careful rule', () => {
    let rechecks = 0;
    for (let index = 0; index < 400; index++) {
      const example = curriculumExample(index, { seed: 3, min: 0, max: 9, critic: 'columns' });
      if (example.kind !== 'update-after-summary' && example.kind !== 'update-after-answers') continue;
      const text = example.completion.content;
      if (!text.includes('so I check my solution again.')) continue;
      rechecks++;
      expect(text.split('\n')[5]).toMatch(/^\d+ - \d+: \d+ - \d+ = \d+, \d+ - \d+ = \d+, so /);
    }
    expect(rechecks).toBeGreaterThan(20);
  });
});
