import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { loadMmlu, mmluFileName, parseMmluCsv } from '../../src/tasks/mmlu.js';
import { sharedPath } from '../helpers/shared-data.js';
import { caught } from './expect-error.js';

describe('parseMmluCsv', () => {
  it('makes a choice problem with the options as A) … lines', () => {
    const text = '"Which, of these?",one,"two ""2""","three\nlines",four,C\n';
    expect(parseMmluCsv(text, 'x_test.csv', 'x')).toEqual([
      {
        id: 'mmlu/x/1',
        task: 'mmlu',
        question: 'Which, of these?\nA) one\nB) two "2"\nC) three\nlines\nD) four',
        answer: 'C',
        answerType: 'choice',
        metadata: { subject: 'x' },
      },
    ]);
  });

  it('names file, line and field for bad rows', async () => {
    const columns = await caught(() => parseMmluCsv('q,a,b,c,d,A\nq,a,b,c,A\n', 'x_test.csv', 'x'));
    expect(columns.toOneLine()).toBe('x_test.csv:2: expected 6 columns (question, A, B, C, D, answer), got 5');
    const letter = await caught(() => parseMmluCsv('"q\n2",a,b,c,d,E\n', 'x_test.csv', 'x'));
    expect(letter.toOneLine()).toBe('x_test.csv:1: answer: expected one of A, B, C, D, got "E"');
  });

  it('reads subject and split from the file name', () => {
    expect(mmluFileName('high_school_physics_test.csv')).toEqual({ subject: 'high_school_physics', split: 'test' });
    expect(mmluFileName('anatomy_dev.csv')).toEqual({ subject: 'anatomy', split: 'dev' });
    expect(mmluFileName('custom.csv')).toEqual({ subject: 'custom' });
  });
});

describe('loadMmlu on the shared files', () => {
  const temporary = mkdtempSync(path.join(os.tmpdir(), 'maft-mmlu-'));
  afterAll(() => rmSync(temporary, { recursive: true, force: true }));

  it('loads 14042 test rows over 57 subjects, ids unique', async () => {
    const task = await loadMmlu({ path: sharedPath('data', 'mmlu', 'test') });
    expect(task.problems).toHaveLength(14042);
    expect(new Set(task.problems.map((problem) => problem.metadata?.['subject'])).size).toBe(57);
    expect(new Set(task.problems.map((problem) => problem.id)).size).toBe(14042);
    expect(task.problems.every((problem) => /^[ABCD]$/.test(problem.answer))).toBe(true);
  });

  it('loads the dev split, one file, and a subject filter', async () => {
    expect((await loadMmlu({ path: sharedPath('data', 'mmlu', 'dev') })).problems).toHaveLength(285);
    const file = sharedPath('data', 'mmlu', 'test', 'abstract_algebra_test.csv');
    const single = await loadMmlu({ path: file });
    expect(single.problems).toHaveLength(100);
    expect(single.problems[0]?.id).toBe('mmlu/abstract_algebra/1');
    const filtered = await loadMmlu({
      path: sharedPath('data', 'mmlu', 'test'),
      subjects: ['abstract_algebra', 'anatomy'],
    });
    expect(new Set(filtered.problems.map((problem) => problem.metadata?.['subject']))).toEqual(
      new Set(['abstract_algebra', 'anatomy']),
    );
  });

  it('refuses unknown subjects, mixed splits and missing paths', async () => {
    const unknown = await caught(() => loadMmlu({ path: sharedPath('data', 'mmlu', 'test'), subjects: ['astrology'] }));
    expect(unknown.code).toBe('CONFIG_INVALID');
    expect(unknown.message).toContain('astrology');
    const mixed = path.join(temporary, 'mixed');
    mkdirSync(mixed);
    writeFileSync(path.join(mixed, 'a_test.csv'), 'q,a,b,c,d,A\n');
    writeFileSync(path.join(mixed, 'a_dev.csv'), 'q,a,b,c,d,A\n');
    expect((await caught(() => loadMmlu({ path: mixed }))).message).toContain('several splits');
    expect((await caught(() => loadMmlu({ path: path.join(temporary, 'none') }))).code).toBe('FILE_NOT_FOUND');
  });
});
