import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { jsonlOptionsSchema, loadJsonl, parseJsonlTaskLine, parseJsonlTaskText } from '../../src/tasks/jsonl.js';
import { caught } from './expect-error.js';

const fields = jsonlOptionsSchema.parse({ path: 'x', answerType: 'exact' });

describe('jsonl task', () => {
  it('reads the configured fields, numbers as strings', () => {
    const custom = {
      ...fields,
      questionField: 'prompt',
      answerField: 'target',
      idField: 'key',
      answerType: 'numeric' as const,
    };
    expect(parseJsonlTaskLine('{"prompt":"2+2?","target":4,"key":17}', { file: 'd.jsonl', line: 3 }, custom)).toEqual({
      id: '17',
      task: 'jsonl',
      question: '2+2?',
      answer: '4',
      answerType: 'numeric',
    });
  });

  it('falls back to file-and-line ids', () => {
    const problems = parseJsonlTaskText(
      '{"question":"a","answer":"x"}\n\n{"question":"b","answer":"y"}',
      'dir/d.jsonl',
      fields,
    );
    expect(problems.map((problem) => problem.id)).toEqual(['jsonl/d/1', 'jsonl/d/3']);
  });

  it('names file, line and field for bad lines, and repeated ids', async () => {
    const where = { file: 'train.jsonl', line: 17 };
    const wrong = await caught(() => parseJsonlTaskLine('{"question":"q","answer":[1]}', where, fields));
    expect(wrong.toOneLine()).toBe('train.jsonl:17: answer: expected a string or a number, got an array');
    const notObject = await caught(() => parseJsonlTaskLine('"just text"', where, fields));
    expect(notObject.toOneLine()).toBe('train.jsonl:17: expected a JSON object, got a string');
    const repeated = await caught(() =>
      parseJsonlTaskText('{"question":"a","answer":"1","id":"k"}\n{"question":"b","answer":"2","id":"k"}', 'd.jsonl', {
        ...fields,
        idField: 'id',
      }),
    );
    expect(repeated.toOneLine()).toBe('d.jsonl:2: duplicate id "k" (first at d.jsonl:1)');
  });

  const temporary = mkdtempSync(path.join(os.tmpdir(), 'maft-jsonl-'));
  afterAll(() => rmSync(temporary, { recursive: true, force: true }));

  it('loads a file with the given answer type', async () => {
    const file = path.join(temporary, 'q.jsonl');
    writeFileSync(file, '{"question":"Pick","answer":"B"}\n');
    const task = await loadJsonl({ ...fields, path: file, answerType: 'choice' });
    expect(task).toMatchObject({
      name: 'jsonl',
      answerType: 'choice',
      problems: [{ answer: 'B', answerType: 'choice' }],
    });
  });
});
