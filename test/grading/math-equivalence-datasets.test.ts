import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { extractLastBoxed } from '../../src/grading/boxed.js';
import { isMathEquivalent } from '../../src/grading/math-equivalence.js';
import { sharedPath } from '../helpers/shared-data.js';

/** Every MATH ground truth must be found (last box) and must match itself; MATH-500's answers their box. */
interface MathRecord {
  solution: string;
  answer?: string;
  unique_id?: string;
}

function loadRecords(...parts: string[]): MathRecord[] {
  return readFileSync(sharedPath(...parts), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MathRecord);
}

describe('MATH answer checker on the MATH data sets', () => {
  it('finds a boxed answer in every test solution and accepts it against itself (5000/5000)', () => {
    const records = loadRecords('data', 'math', 'test.jsonl');
    expect(records).toHaveLength(5000);
    const failures = records
      .map((record) => extractLastBoxed(record.solution))
      .filter((answer) => answer === null || !isMathEquivalent(answer, answer));
    expect(failures).toEqual([]);
  });

  it("accepts each MATH-500 `answer` against its solution's last boxed answer (500/500)", () => {
    const records = loadRecords('data', 'math', 'math500.jsonl');
    expect(records).toHaveLength(500);
    const failures = records.filter((record) => {
      const boxed = extractLastBoxed(record.solution);
      return boxed === null || record.answer === undefined || !isMathEquivalent(record.answer, boxed);
    });
    expect(failures.map((record) => record.unique_id)).toEqual([]);
  });
});
