import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../src/grading/extract-answer.js';
import { loadCorpus, scoreCorpus } from './corpus/corpus.js';

/**
 * The answer-checking conformance corpus (test/grading/corpus/README.md): responses written the ways
 * models write them, with the verdict a careful grader gives. The default grading mode must agree on at
 * least 90% of them and must never call a wrong answer right where the paper's checker would not (false
 * positives are worse than misses); every case says where it comes from.
 */
const cases = loadCorpus();

describe('answer-checking corpus', () => {
  it('holds several hundred cases, each with a category, a source and an expected verdict', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    for (const item of cases) {
      expect(item.source.length, item.response).toBeGreaterThan(5);
      expect(item.category.length, item.response).toBeGreaterThan(2);
      expect(typeof item.expected).toBe('boolean');
    }
    const categories = new Set(cases.map((item) => item.category));
    for (const category of [
      'unboxed-phrase',
      'units',
      'percent',
      'currency',
      'thousands',
      'decimal-comma',
      'intervals',
      'sets',
      'equations',
      'frac-forms',
      'left-right',
      'text-units',
      'broken-boxes',
      'similar-wrong',
    ]) {
      expect(categories.has(category), category).toBe(true);
    }
  });

  it('the default mode agrees with the expected verdicts on at least 90%', () => {
    const { disagreements } = scoreCorpus(cases, 'default');
    expect((cases.length - disagreements.length) / cases.length).toBeGreaterThanOrEqual(0.9);
  });

  it('the default mode never calls a wrong answer right where the paper checker would not', () => {
    const paperWrongRight = new Set(
      scoreCorpus(cases, 'paper')
        .disagreements.filter((d) => d.verdict)
        .map((d) => d.index),
    );
    const falsePositives = scoreCorpus(cases, 'default').disagreements.filter(
      (d) => d.verdict && !paperWrongRight.has(d.index),
    );
    expect(falsePositives.map((d) => `${d.item.response} vs ${d.item.gold}`)).toEqual([]);
  });

  it('extracts what the cases that name it expect (a broken box is never an answer class)', () => {
    const named = cases.filter((item) => item.expected_extracted !== undefined);
    expect(named.length).toBeGreaterThan(5);
    for (const item of named)
      expect(extractAnswer(item.response, item.answer_type), item.response).toBe(item.expected_extracted);
  });

  it('the paper mode is the paper checker: it finds no answer in a response without a box', () => {
    const unboxed = cases.filter((item) => item.answer_type === 'math' && !/\\(?:boxed|fbox)/.test(item.response));
    expect(unboxed.length).toBeGreaterThan(50);
    for (const item of unboxed)
      expect(extractAnswer(item.response, 'math', { mode: 'paper' }), item.response).toBeNull();
  });
});
