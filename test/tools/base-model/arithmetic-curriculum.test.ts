import { describe, expect, it } from 'vitest';
import { curriculumExample, weighedUpdate } from '../../../src/tools/base-model/arithmetic-curriculum.js';
import { correctSolution, wrongSolution } from '../../../src/tools/base-model/arithmetic-solutions.js';
import { defaultPromptTemplates } from '../../../src/debate/prompts.js';
import { extractAnswer } from '../../../src/grading/extract-answer.js';
import type { Operands } from '../../../src/tasks/arithmetic.js';
import { createRandom } from '../../../src/util/random.js';

/** Evaluate a worked line like `12*26 = 312`, `363 - 72 = 291` or `72 - 50 = 22, so 50 - 72 = -22`. */
function checkLine(line: string): boolean {
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
      expect(lines.slice(0, 5).every(checkLine), solution.text).toBe(true);
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
      expect(lines.filter((line) => !checkLine(line)).length, wrong.text).toBeLessThanOrEqual(1);
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
