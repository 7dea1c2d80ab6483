import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../src/grading/extract-answer.js';
import { isNumericEquivalent, parseRational } from '../../src/grading/numeric-value.js';
import { gradeResponse } from '../../src/grading/grade-response.js';
import { sharedPath } from '../helpers/shared-data.js';

describe('parseRational', () => {
  it.each([
    ['1,080', '1080/1'],
    ['-3.50', '-7/2'],
    ['$18', '18/1'],
    ['\\$1{,}000', '1000/1'],
    ['45%', '45/1'],
    ['12 cm', '12/1'],
    ['5 apples.', '5/1'],
    ['x = 7', '7/1'],
    ['\\frac{3}{4}', '3/4'],
    ['\\dfrac{6}{8}', '3/4'],
    ['-6/8', '-3/4'],
    ['.5', '1/2'],
    ['90^\\circ', '90/1'],
  ])('%s is %s', (text, expected) => {
    const value = parseRational(text);
    expect(value && `${value.numerator}/${value.denominator}`).toBe(expected);
  });

  it.each(['', 'abc', '1,08', '3/0', '1.2.3', '--4'])('%s is not a number', (text) => {
    expect(parseRational(text)).toBeNull();
  });
});

describe('numeric equivalence', () => {
  it('compares exactly, as rationals', () => {
    expect(isNumericEquivalent('18.00', '18')).toBe(true);
    expect(isNumericEquivalent('1/2', '0.5')).toBe(true);
    expect(isNumericEquivalent('0.333', '1/3')).toBe(false);
    expect(isNumericEquivalent('-5', '5')).toBe(false);
    expect(isNumericEquivalent('1,000,001', '1000001')).toBe(true);
  });
});

describe('numeric extraction', () => {
  it('prefers the last box over everything else', () => {
    expect(extractAnswer('The answer is 4. \\boxed{5} then \\boxed{6}', 'numeric')).toBe('6');
  });
  it('falls back in order: ####, a final A: line, "the answer is", the last number', () => {
    expect(extractAnswer('so 3 + 4 = 7\n#### 1,080', 'numeric')).toBe('1,080');
    expect(extractAnswer('2 * 9 = $18 per day\nA: 18', 'numeric')).toBe('18');
    expect(extractAnswer('Thus the answer is -12 dollars. Check: 3 + 4', 'numeric')).toBe('-12');
    expect(extractAnswer('we get 3, then 14.5 in total', 'numeric')).toBe('14.5');
  });
  it('honours a restricted fallback list and gives null when nothing parses', () => {
    expect(extractAnswer('we get 3, then 14', 'numeric', { fallbacks: [] })).toBeNull();
    expect(extractAnswer('no digits here', 'numeric')).toBeNull();
    expect(gradeResponse('no digits here', '0', 'numeric')).toEqual({ extracted: null, correct: false });
  });
});

describe('GSM8K example model solutions (real model output, labelled)', () => {
  it('extraction + checking reproduce the is_correct labels on >= 99% of 5276 solutions', () => {
    const lines = readFileSync(sharedPath('data', 'gsm8k', 'example_model_solutions.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    let total = 0;
    let agree = 0;
    const disagreements: string[] = [];
    for (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>;
      const truth = extractAnswer(String(row['ground_truth']), 'numeric');
      expect(truth).not.toBeNull();
      for (const [key, value] of Object.entries(row)) {
        if (typeof value !== 'object' || value === null || !('is_correct' in value)) continue;
        const solution = value as { is_correct: boolean; solution: string };
        total++;
        const { correct } = gradeResponse(solution.solution, truth ?? '', 'numeric');
        if (correct === solution.is_correct) agree++;
        else disagreements.push(`${key}: ${solution.solution.slice(-60)} vs ${truth} (label ${solution.is_correct})`);
      }
    }
    expect(total).toBe(5276);
    // The issue asks for >= 99%; every one of the 5276 agrees today, so any disagreement is a regression.
    expect(disagreements).toEqual([]);
    expect(agree).toBe(total);
  });
});
