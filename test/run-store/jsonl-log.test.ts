import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MaftError } from '../../src/errors/maft-error.js';
import { JsonlLog } from '../../src/run-store/jsonl-log.js';
import { scanJsonl } from '../../src/run-store/jsonl-scan.js';
import { caught } from '../tasks/expect-error.js';
import { temporaryDirectory } from './temporary-directory.js';

interface Item {
  id: string;
  text: string;
}

const byId = { keyOf: (item: Item) => item.id };
const directory = temporaryDirectory('jsonl-log');
let counter = 0;
const freshFile = (): string => path.join(directory, `log-${++counter}`, 'records.jsonl');

describe('scanJsonl (pure)', () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('reads whole lines, skipping blank ones', () => {
    const scan = scanJsonl(bytes('{"a":1}\n\n{"a":2}\n'), 'f.jsonl');
    expect(scan.lines).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
    ]);
    expect(scan.validLength).toBe(17);
    expect(scan.torn).toBeUndefined();
  });

  it('marks a tail without newline, or an invalid last line, as torn', () => {
    expect(scanJsonl(bytes('{"a":1}\n{"a":2}'), 'f').torn).toEqual({
      offset: 8,
      length: 7,
      line: 2,
      reason: 'no trailing newline',
    });
    expect(scanJsonl(bytes('{"a":1}\n{"a":'), 'f').validLength).toBe(8);
    expect(scanJsonl(bytes('{"a":1}\n\0\0\0\n'), 'f').torn).toEqual({
      offset: 8,
      length: 4,
      line: 2,
      reason: 'invalid JSON',
    });
    // A UTF-8 sequence cut in two by the kill.
    const cut = bytes('{"a":1}\n{"t":"é"}\n').subarray(0, 15);
    expect(scanJsonl(cut, 'f')).toMatchObject({ validLength: 8, torn: { reason: 'no trailing newline' } });
    expect(scanJsonl(bytes(''), 'f')).toEqual({ lines: [], validLength: 0 });
  });

  it('names file and line of a bad line in the middle', async () => {
    const error = await caught(() => scanJsonl(bytes('{"a":1}\n{"a":\n{"a":3}\n'), 'run/records.jsonl'));
    expect(error.code).toBe('RUN_CORRUPT');
    expect(error.toOneLine()).toMatch(/^run\/records\.jsonl:2: invalid JSON \(.*\); records after it are intact/);
  });
});

describe('JsonlLog', () => {
  it('round-trips records, in order, across reopen', () => {
    const file = freshFile();
    const log = JsonlLog.open<Item>(file, byId);
    const items = [
      { id: 'p1', text: 'line\nbreak and "quotes"' },
      { id: 'p2', text: 'ünïcødé ∑' },
    ];
    for (const item of items) log.append(item);
    expect(log.has('p1')).toBe(true);
    log.close();
    const reopened = JsonlLog.open<Item>(file, byId);
    expect(reopened.records()).toEqual(items);
    expect(reopened.get('p2')).toEqual(items[1]);
    expect(reopened.has('p3')).toBe(false);
    expect(reopened.repair).toBeUndefined();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    reopened.close();
  });

  it('drops a torn tail, keeps it in .torn, reports it, and appends after it', () => {
    const file = freshFile();
    const log = JsonlLog.open<Item>(file, byId);
    log.append({ id: 'a', text: 'x' });
    log.close();
    appendFileSync(file, '{"id":"b","te');
    const repaired = JsonlLog.open<Item>(file, byId);
    expect(repaired.repair).toEqual({
      file,
      keptIn: `${file}.torn`,
      offset: 22,
      length: 13,
      line: 2,
      reason: 'no trailing newline',
    });
    expect(readFileSync(`${file}.torn`, 'utf8')).toBe('{"id":"b","te');
    expect(repaired.records().map((item) => item.id)).toEqual(['a']);
    repaired.append({ id: 'b', text: 'y' });
    repaired.close();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"a","text":"x"}\n{"id":"b","text":"y"}\n');
  });

  it('refuses a corrupt line in the middle, naming file and line', async () => {
    const file = freshFile();
    JsonlLog.open<Item>(file, byId).close();
    writeFileSync(file, '{"id":"a","text":""}\nnot json\n{"id":"c","text":""}\n');
    const error = await caught(() => JsonlLog.open<Item>(file, byId));
    expect(error.code).toBe('RUN_CORRUPT');
    expect(error.location).toEqual({ file, line: 2 });
    expect(readFileSync(file, 'utf8')).toContain('not json'); // nothing was cut
  });

  it('refuses a duplicate key, on append and in the file', async () => {
    const file = freshFile();
    const log = JsonlLog.open<Item>(file, byId);
    log.append({ id: 'a', text: '1' });
    const error = await caught(() => log.append({ id: 'a', text: '2' }));
    expect(error.message).toBe('a record with key "a" is already in the log');
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"a","text":"1"}\n');
    appendFileSync(file, '{"id":"a","text":"3"}\n');
    expect((await caught(() => JsonlLog.open<Item>(file, byId))).toOneLine()).toBe(
      `${file}:2: duplicate key "a" (a record is written once); remove the line`,
    );
    const ignoring = JsonlLog.open<Item>(file, { ...byId, onDuplicate: 'ignore' });
    expect(ignoring.records()).toEqual([{ id: 'a', text: '1' }]);
    ignoring.close();
  });

  it('checks records with parse, naming the line', async () => {
    const file = freshFile();
    mkdirSync(path.dirname(file));
    writeFileSync(file, '{"id":"a","text":"x"}\n{"id":7}\n{"id":"c","text":"z"}\n');
    const parse = (value: unknown, where: { file: string; line: number }): Item => {
      const item = value as Partial<Item>;
      if (typeof item.id !== 'string') throw new MaftError('RUN_CORRUPT', 'id: expected a string', where);
      return item as Item;
    };
    expect((await caught(() => JsonlLog.open<Item>(file, { ...byId, parse }))).location.line).toBe(2);
  });
});
