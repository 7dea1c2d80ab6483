import { describe, expect, it } from 'vitest';
import { extractLastBoxed } from '../../src/grading/boxed.js';
import { extractAnswer, parseChoice } from '../../src/grading/extract-answer.js';
import { isEquivalent } from '../../src/grading/equivalence.js';

describe('extractLastBoxed', () => {
  it.each([
    ['so \\boxed{5}.', '5'],
    ['\\boxed{1} then \\boxed{\\frac{1}{2}}', '\\frac{1}{2}'],
    ['nested \\boxed{\\left\\{ 1, 2 \\right\\}}', '\\left\\{ 1, 2 \\right\\}'],
    ['\\boxed{6} then a later \\fbox{7}', '7'],
    ['\\fbox{7} then a later \\boxed{6}', '6'],
    ['$\\boxed 5$', '5'],
    ['a broken last \\boxed{\\frac{1}{2} but an earlier \\boxed{3}', '3'],
    ['\\boxed{}', ''],
  ])('%s → %s', (text, expected) => {
    expect(extractLastBoxed(text)).toBe(expected);
  });

  it.each(['no box here', '\\boxed{unbalanced', '\\boxed'])('%s → null', (text) => {
    expect(extractLastBoxed(text)).toBeNull();
  });

  it('handles 100 KB of braces quickly', () => {
    const started = performance.now();
    expect(extractLastBoxed(`\\boxed{${'{'.repeat(100_000)}`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('choice extraction', () => {
  it.each([
    ['The answer is (B).', 'B'],
    ['B) because the others are wrong', 'B'],
    ['Comparing (A) with (C), I pick (C).', 'C'],
    ['Answer: C', 'C'],
    ['so the final answer is \\boxed{D}', 'D'],
    ['\\boxed{\\text{(A)}}', 'A'],
    ['After thinking it through.\nAnswer: (B) Paris', 'B'],
  ])('%s → %s', (text, expected) => {
    expect(extractAnswer(text, 'choice')).toBe(expected);
  });

  it('gives null for text without a letter answer', () => {
    expect(extractAnswer('I believe it is Paris.', 'choice')).toBeNull();
    expect(parseChoice('Paris')).toBeNull();
  });

  it('compares letters only', () => {
    expect(isEquivalent('(B)', 'B', 'choice')).toBe(true);
    expect(isEquivalent('B', 'C', 'choice')).toBe(false);
  });
});

describe('exact answers', () => {
  it('compare trimmed, case-sensitive strings', () => {
    expect(extractAnswer('reasoning…\nthe answer is Paris.', 'exact')).toBe('Paris');
    expect(isEquivalent(' Paris ', 'Paris', 'exact')).toBe(true);
    expect(isEquivalent('paris', 'Paris', 'exact')).toBe(false);
  });
  it('never treat a missing answer as equivalent, even to another missing one', () => {
    expect(isEquivalent(null, null, 'exact')).toBe(false);
    expect(isEquivalent(null, '1', 'numeric')).toBe(false);
  });
});

describe('math extraction', () => {
  it('uses the box alone in paper mode, as the paper grader does', () => {
    expect(extractAnswer('The answer is 5.', 'math', { mode: 'paper' })).toBeNull();
    expect(extractAnswer('so $\\boxed{\\dfrac{1}{2}}$', 'math', { mode: 'paper' })).toBe('\\dfrac{1}{2}');
  });
  it('falls back to answer phrases, LaTeX math and the last number in the default mode', () => {
    expect(extractAnswer('so $\\boxed{\\dfrac{1}{2}}$', 'math')).toBe('\\dfrac{1}{2}');
    expect(extractAnswer('The answer is 5.', 'math')).toBe('5');
    expect(extractAnswer('so we get $x = \\frac{1}{3}$ in the end', 'math')).toBe('\\frac{1}{3}');
    expect(extractAnswer('it comes to 42 in total', 'math')).toBe('42');
  });
});
