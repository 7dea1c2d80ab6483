import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { loadGsm8k, parseGsm8kAnswer, parseGsm8kLine, parseGsm8kText } from '../../src/tasks/gsm8k.js';
import { sharedPath } from '../helpers/shared-data.js';
import { caught } from './expect-error.js';

const line = (record: unknown): string => JSON.stringify(record);

describe('parseGsm8kAnswer', () => {
  it('takes the number after ####, dropping thousands commas and keeping the sign', () => {
    expect(parseGsm8kAnswer('6 * 3 = <<6*3=18>>18\n#### 18')).toBe('18');
    expect(parseGsm8kAnswer('…\n#### 1,080')).toBe('1080');
    expect(parseGsm8kAnswer('…\n#### -3')).toBe('-3');
    expect(parseGsm8kAnswer('…\n#### 2.5')).toBe('2.5');
    expect(parseGsm8kAnswer('no marker')).toBeNull();
    expect(parseGsm8kAnswer('#### twelve')).toBeNull();
  });
});

describe('parseGsm8kLine', () => {
  it('makes a numeric problem with a file-and-line id', () => {
    const problem = parseGsm8kLine(line({ question: 'How many?', answer: 'so\n#### 1,234' }), {
      file: 'data/train.jsonl',
      line: 17,
    });
    expect(problem).toEqual({
      id: 'gsm8k/train/17',
      task: 'gsm8k',
      question: 'How many?',
      answer: '1234',
      answerType: 'numeric',
    });
  });

  it('names file, line and field for bad lines', async () => {
    const where = { file: 'train.jsonl', line: 17 };
    const notString = await caught(() => parseGsm8kLine(line({ question: 'q', answer: 5 }), where));
    expect(notString.code).toBe('INPUT_INVALID');
    expect(notString.toOneLine()).toBe('train.jsonl:17: answer: expected a string, got a number');
    const missing = await caught(() => parseGsm8kLine(line({ answer: '#### 1' }), where));
    expect(missing.toOneLine()).toBe('train.jsonl:17: question: missing');
    const noMarker = await caught(() => parseGsm8kLine(line({ question: 'q', answer: '42' }), where));
    expect(noMarker.toOneLine()).toBe('train.jsonl:17: answer: expected the solution to end with "#### <number>"');
    const badJson = await caught(() => parseGsm8kLine('{"question": ', where));
    expect(badJson.toOneLine()).toMatch(/^train\.jsonl:17: invalid JSON/);
  });

  it('keeps physical line numbers across blank lines', () => {
    const text = `${line({ question: 'a', answer: '#### 1' })}\n\n${line({ question: 'b', answer: '#### 2' })}\n`;
    expect(parseGsm8kText(text, 'x.jsonl').map((problem) => problem.id)).toEqual(['gsm8k/x/1', 'gsm8k/x/3']);
  });
});

describe('loadGsm8k on the shared test split', () => {
  it('loads all 1319 problems with their #### answers', async () => {
    const file = sharedPath('data', 'gsm8k', 'test.jsonl');
    const task = await loadGsm8k({ path: file });
    expect(task.problems).toHaveLength(1319);
    expect(new Set(task.problems.map((problem) => problem.id)).size).toBe(1319);
    expect(task.problems.every((problem) => /^-?\d+(\.\d+)?$/.test(problem.answer))).toBe(true);
    // Every `#### 1,080`-style answer loses its commas.
    const lines = readFileSync(file, 'utf8').split('\n');
    const sourceLine = (problem: { id: string }): string => lines[Number(problem.id.split('/')[2]) - 1] ?? '';
    const withCommas = task.problems.filter((problem) => /#### -?\d{1,3}(,\d{3})+\s*"/.test(sourceLine(problem)));
    expect(withCommas.length).toBeGreaterThan(0);
    for (const problem of withCommas) expect(problem.answer).not.toContain(',');
    expect(task.problems[0]?.answer).toBe('18');
  });

  it('reports a missing file as FILE_NOT_FOUND', async () => {
    const error = await caught(() => loadGsm8k({ path: '/nonexistent/test.jsonl' }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.location.file).toBe('/nonexistent/test.jsonl');
  });
});
