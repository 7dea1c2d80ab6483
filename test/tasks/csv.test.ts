import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/tasks/csv.js';
import { caught } from './expect-error.js';

const fields = (text: string): string[][] => parseCsv(text, 'f.csv').map((record) => record.fields);

describe('parseCsv', () => {
  it('splits plain fields and records (LF and CRLF, final newline optional)', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(fields('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,,\n')).toEqual([['a', '', '']]);
    expect(fields('a,')).toEqual([['a', '']]);
  });

  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    expect(fields('"x, y","say ""hi""","line1\nline2",""\n')).toEqual([['x, y', 'say "hi"', 'line1\nline2', '']]);
  });

  it('keeps a quote inside an unquoted field literally, as Python csv does', () => {
    expect(fields('5" tall,b\n')).toEqual([['5" tall', 'b']]);
  });

  it('skips blank lines and numbers records by their first line', () => {
    const records = parseCsv('"a\nb",1\n\nc,2\n', 'f.csv');
    expect(records.map((record) => record.line)).toEqual([1, 4]);
  });

  it('reports an unterminated quote at the line it opened, and junk after a closing quote', async () => {
    const open = await caught(() => parseCsv('a,b\n"never\nclosed,1\n', 'f.csv'));
    expect(open.toOneLine()).toBe('f.csv:2: unterminated quoted field');
    const junk = await caught(() => parseCsv('"a"b,c\n', 'f.csv'));
    expect(junk.toOneLine()).toBe('f.csv:1: unexpected "b" after a closing quote');
  });
});
