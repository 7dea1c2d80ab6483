import { describe, it, expect } from 'vitest';
import type { Problem } from '../../src/spec/problem.js';
import { generateArithmetic } from '../../src/tasks/arithmetic.js';
import { splitOptionsSchema, splitProblems, type SplitOptions } from '../../src/tasks/split.js';
import { caught } from './expect-error.js';

const pool = (count: number): Problem[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `p${index}`,
    task: 'jsonl',
    question: `q${index}`,
    answer: String(index),
    answerType: 'exact',
  }));
const ids = (problems: readonly Problem[]): string[] => problems.map((problem) => problem.id);
const options = (overrides: Partial<SplitOptions> = {}): SplitOptions => splitOptionsSchema.parse(overrides);

describe('splitProblems', () => {
  it('gives disjoint splits of the requested sizes (paper default 500/500)', () => {
    const { finetune, eval: held } = splitProblems(pool(1319), options());
    expect(finetune).toHaveLength(500);
    expect(held).toHaveLength(500);
    const finetuneIds = new Set(ids(finetune));
    expect(held.some((problem) => finetuneIds.has(problem.id))).toBe(false);
  });

  it('is seeded and does not depend on input order', () => {
    const problems = pool(300);
    const first = splitProblems(problems, options({ seed: 3, finetuneCount: 100, evalCount: 100 }));
    const reversed = splitProblems([...problems].reverse(), options({ seed: 3, finetuneCount: 100, evalCount: 100 }));
    expect(ids(reversed.finetune)).toEqual(ids(first.finetune));
    expect(ids(reversed.eval)).toEqual(ids(first.eval));
    const other = splitProblems(problems, options({ seed: 4, finetuneCount: 100, evalCount: 100 }));
    expect(ids(other.finetune)).not.toEqual(ids(first.finetune));
  });

  it('keeps each split independent of the other count, and nested in its own count', () => {
    const problems = pool(400);
    const base = splitProblems(problems, options({ finetuneCount: 100, evalCount: 100 }));
    expect(ids(splitProblems(problems, options({ finetuneCount: 250, evalCount: 100 })).eval)).toEqual(ids(base.eval));
    expect(ids(splitProblems(problems, options({ finetuneCount: 100, evalCount: 50 })).eval)).toEqual(
      ids(base.eval).slice(0, 50),
    );
    expect(ids(splitProblems(problems, options({ finetuneCount: 30, evalCount: 0 })).finetune)).toEqual(
      ids(base.finetune).slice(0, 30),
    );
  });

  it('never moves a problem across splits when unrelated problems are added', () => {
    const small = pool(300);
    const large = [...small, ...pool(1000).slice(300)];
    for (const seed of [0, 1, 2]) {
      const before = splitProblems(small, options({ seed, finetuneCount: 100, evalCount: 100 }));
      const after = splitProblems(large, options({ seed, finetuneCount: 100, evalCount: 100 }));
      const finetuneBefore = new Set(ids(before.finetune));
      const evalBefore = new Set(ids(before.eval));
      expect(after.eval.some((problem) => finetuneBefore.has(problem.id))).toBe(false);
      expect(after.finetune.some((problem) => evalBefore.has(problem.id))).toBe(false);
      // A problem that stays in a split only leaves it for a newcomer that sorts before it.
      const kept = after.finetune.filter((problem) => finetuneBefore.has(problem.id));
      expect(ids(kept)).toEqual(ids(before.finetune).slice(0, kept.length));
    }
  });

  it('partitions generated arithmetic problems exactly when the counts add up', () => {
    const problems = generateArithmetic({ min: 0, max: 29, count: 1000, seed: 0 });
    const { finetune, eval: held } = splitProblems(problems, options());
    expect(new Set([...ids(finetune), ...ids(held)]).size).toBe(1000);
  });

  it('says how many problems there are when asked for too many', async () => {
    const error = await caught(() => splitProblems(pool(10), options({ finetuneCount: 8, evalCount: 5 }), 'task x'));
    expect(error.code).toBe('NOT_ENOUGH_PROBLEMS');
    expect(error.message).toBe('task x has 10 problems; finetune 8 + eval 5 needs 13');
  });
});
