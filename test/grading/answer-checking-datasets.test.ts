import { describe, expect, it } from 'vitest';
import { gradeResponse } from '../../src/grading/grade-response.js';
import { sharedPath } from '../helpers/shared-data.js';
import { gsm8kCases, mathCases, type DerivedCase } from './corpus/derived-cases.js';

/**
 * The default grading mode on responses derived from the real data sets (MATH-500 and the GSM8K test
 * split, read from ../shared): answers written without a box must be found, and another problem's answer
 * or an off-by-one must never be called right. The bounds below the 100% ones are measured rates with a
 * margin (docs/benchmarks.md has the counts): a MATH solution whose box is simply removed does not always
 * end with its answer, and a GSM8K solution without its `####` line does not always end with its number.
 */
function rates(cases: DerivedCase[]): Map<string, { right: number; total: number; wrongCalledRight: string[] }> {
  const byCategory = new Map<string, { right: number; total: number; wrongCalledRight: string[] }>();
  for (const item of cases) {
    const { correct } = gradeResponse(item.response, item.gold, item.answer_type);
    const entry = byCategory.get(item.category) ?? { right: 0, total: 0, wrongCalledRight: [] };
    entry.total++;
    if (correct === item.expected) entry.right++;
    if (correct && !item.expected) entry.wrongCalledRight.push(`${item.response.slice(-80)} vs ${item.gold}`);
    byCategory.set(item.category, entry);
  }
  return byCategory;
}

describe('default grading on responses derived from MATH-500', () => {
  const byCategory = rates(mathCases(sharedPath('data', 'math', 'math500.jsonl')));
  const rate = (category: string) => {
    const entry = byCategory.get(category);
    return entry === undefined ? 0 : entry.right / entry.total;
  };

  it('finds every answer given in a "final answer is" or "the answer is" phrase', () => {
    expect(rate('math-final-answer-phrase')).toBe(1);
    expect(rate('math-answer-is')).toBe(1);
  });

  it('finds the answer of most solutions whose \\boxed{} was removed (measured 76%)', () => {
    expect(rate('math-solution-unboxed')).toBeGreaterThanOrEqual(0.7);
  });

  it("never accepts another problem's answer", () => {
    const entry = byCategory.get('math-other-answer');
    expect(entry?.total).toBeGreaterThan(900);
    expect(entry?.wrongCalledRight).toEqual([]);
  });
});

describe('default grading on responses derived from the GSM8K test split', () => {
  const byCategory = rates(gsm8kCases(sharedPath('data', 'gsm8k', 'test.jsonl')));

  it('grades the reference solutions and "The answer is N." right, and N + 1 wrong, on all 1319', () => {
    for (const category of ['gsm8k-hashes', 'gsm8k-answer-is', 'gsm8k-wrong']) {
      const entry = byCategory.get(category);
      expect(entry?.total, category).toBe(1319);
      expect(entry?.right, category).toBe(1319);
    }
  });

  it('finds the answer as the last number of most solutions without their #### line (measured 97%)', () => {
    const entry = byCategory.get('gsm8k-prose-only');
    expect((entry?.right ?? 0) / (entry?.total ?? 1)).toBeGreaterThanOrEqual(0.95);
  });
});
