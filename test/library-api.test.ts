import { describe, expect, it } from 'vitest';
import * as maft from '../src/index.js';

describe('the library API', () => {
  it('exposes the stages as functions that work together', async () => {
    const task = await maft.loadTask('arithmetic', { count: 20, seed: 1 });
    const { finetune, eval: held } = maft.splitProblems(task.problems, { seed: 0, finetuneCount: 10, evalCount: 10 });
    expect(new Set([...finetune, ...held].map((problem) => problem.id)).size).toBe(20);
    const problem = held[0]!;
    const grade = maft.gradeResponse(`so \\boxed{${problem.answer}}`, problem.answer, 'numeric');
    expect(grade).toEqual({ extracted: problem.answer, correct: true });
    expect(maft.isMathEquivalent('\\dfrac{1}{2}', '0.5')).toBe(true);
    expect(typeof maft.train).toBe('function');
    expect(typeof maft.createLlamaCppEngine).toBe('function');
    // Two scores of the same problems compared (what `maft compare` prints): one right only under a.
    const compared = maft.pairedDifference(
      new Map([
        ['p1', true],
        ['p2', true],
      ]),
      new Map([
        ['p1', true],
        ['p2', false],
      ]),
    );
    expect(compared).toMatchObject({ problems: 2, difference: 0.5, aOnly: 1, bOnly: 0 });
  });
});
