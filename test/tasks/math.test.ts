import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { Problem } from '../../src/spec/problem.js';
import { filterMathProblems, mathOptionsSchema, normaliseMathSubject, parseMathRecord } from '../../src/tasks/math.js';
import { loadMath, parseMathJsonl } from '../../src/tasks/math-files.js';
import { sharedPath } from '../helpers/shared-data.js';
import { caught } from './expect-error.js';

const testJsonl = sharedPath('data', 'math', 'test.jsonl');
const load = (options: Record<string, unknown>) => loadMath(mathOptionsSchema.parse(options));
const byId = (problems: readonly Problem[]): Problem[] => [...problems].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('parseMathRecord', () => {
  const where = { file: 'math.jsonl', line: 4 };
  const record = {
    problem: 'What is $1+1$?',
    level: 'Level 2',
    type: 'Counting & Probability',
    solution: 'It is $\\boxed{2}$.',
  };

  it('takes the last \\boxed{} of the solution, normalises the subject, keeps the level', () => {
    expect(parseMathRecord(record, where, 'fallback')).toEqual({
      id: 'fallback',
      task: 'math',
      question: 'What is $1+1$?',
      answer: '2',
      answerType: 'math',
      metadata: { level: 2, subject: 'counting_and_probability' },
    });
  });

  it('prefers an answer field and unique_id, and reads MATH-500 style records', () => {
    const problem = parseMathRecord(
      {
        problem: 'p',
        solution: '\\boxed{\\frac{1}{2}}',
        answer: '\\frac12',
        subject: 'Precalculus',
        level: 5,
        unique_id: 'test/precalculus/9.json',
      },
      where,
      'fallback',
    );
    expect(problem).toMatchObject({
      id: 'test/precalculus/9.json',
      answer: '\\frac12',
      metadata: { level: 5, subject: 'precalculus' },
    });
  });

  it('keeps "Level ?" as an unknown level that any level filter drops', () => {
    const unknown = parseMathRecord({ ...record, level: 'Level ?' }, where, 'u');
    expect(unknown.metadata?.['level']).toBe('?');
    expect(filterMathProblems([unknown], { levels: [1, 2, 3, 4, 5] })).toEqual([]);
    expect(filterMathProblems([unknown], { levels: 'all' })).toEqual([unknown]);
  });

  it('names file, line and field for bad records', async () => {
    const noBox = await caught(() => parseMathRecord({ ...record, solution: 'It is 2.' }, where, 'x'));
    expect(noBox.code).toBe('INPUT_INVALID');
    expect(noBox.toOneLine()).toBe('math.jsonl:4: solution: has no \\boxed{} answer (and there is no answer field)');
    const badLevel = await caught(() => parseMathRecord({ ...record, level: 'hard' }, where, 'x'));
    expect(badLevel.toOneLine()).toMatch(/^math\.jsonl:4: level: expected "Level N"/);
    const noSubject = await caught(() => parseMathRecord({ ...record, type: undefined }, where, 'x'));
    expect(noSubject.toOneLine()).toBe('math.jsonl:4: subject: missing');
    const badJson = await caught(() => parseMathJsonl('{"problem": 1}\n[1]', 'm.jsonl'));
    expect(badJson.toOneLine()).toBe('m.jsonl:1: problem: expected a string, got a number');
  });

  it('normalises both subject spellings alike', () => {
    expect(normaliseMathSubject('Counting & Probability')).toBe('counting_and_probability');
    expect(normaliseMathSubject('counting_and_probability')).toBe('counting_and_probability');
    expect(normaliseMathSubject('Intermediate Algebra')).toBe('intermediate_algebra');
  });
});

describe('loadMath on the shared test split', () => {
  it('loads all 5000 with levels "all", fewer with the paper default of levels 1–3', async () => {
    const all = await load({ path: testJsonl, levels: 'all' });
    expect(all.problems).toHaveLength(5000);
    const easy = await load({ path: testJsonl });
    const expected = all.problems.filter((problem) => [1, 2, 3].includes(problem.metadata?.['level'] as number));
    expect(easy.problems).toEqual(expected);
    expect(easy.problems.length).toBeLessThan(5000);
    expect(easy.problems.length).toBe(437 + 894 + 1131);
    expect(all.problems[0]).toMatchObject({ id: 'test/algebra/1.json', answer: '2' });
  });

  it('filters subjects given in either spelling', async () => {
    const one = await load({ path: testJsonl, levels: 'all', subjects: ['Counting & Probability'] });
    const other = await load({ path: testJsonl, levels: 'all', subjects: ['counting_and_probability'] });
    expect(one.problems).toHaveLength(474);
    expect(other.problems).toEqual(one.problems);
    const typo = await caught(() => load({ path: testJsonl, subjects: ['algebre'] }));
    expect(typo.code).toBe('CONFIG_INVALID');
    expect(typo.message).toContain('algebre');
  });
});

describe('loadMath on the original directory tree', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'maft-math-'));
    for (const text of readFileSync(testJsonl, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')) {
      const { unique_id: id, ...record } = JSON.parse(text) as Record<string, string>;
      const file = path.join(root, 'MATH', ...(id ?? '').split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(record));
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads MATH/test identically to the JSONL', async () => {
    for (const levels of ['all', [1, 2, 3]] as const) {
      const fromTree = await load({ path: path.join(root, 'MATH', 'test'), levels });
      const fromJsonl = await load({ path: testJsonl, levels });
      expect(byId(fromTree.problems)).toEqual(byId(fromJsonl.problems));
    }
  });

  it('loads one subject directory, in numeric file order', async () => {
    const task = await load({ path: path.join(root, 'MATH', 'test', 'counting_and_probability'), levels: 'all' });
    expect(task.problems).toHaveLength(474);
    const numbers = task.problems.map((problem) => Number(/(\d+)\.json$/.exec(problem.id)?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('names the file of a bad record and refuses the MATH root', async () => {
    const bad = path.join(root, 'bad', 'test', 'algebra');
    mkdirSync(bad, { recursive: true });
    writeFileSync(
      path.join(bad, '1.json'),
      JSON.stringify({ problem: 'p', level: 'Level 1', type: 'Algebra', solution: 'none' }),
    );
    const error = await caught(() => load({ path: bad }));
    expect(error.location).toEqual({ file: path.join(bad, '1.json'), line: undefined, field: 'solution' });
    const rootError = await caught(() => load({ path: path.join(root, 'MATH') }));
    expect(rootError.message).toContain('point at one split directory');
    const missing = await caught(() => load({ path: path.join(root, 'nope') }));
    expect(missing.code).toBe('FILE_NOT_FOUND');
  });
});
