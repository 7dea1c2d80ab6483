/**
 * The pure core of reading an append-only JSONL file: which lines are records, and whether the end is a torn
 * write to cut away. Works on bytes, not text, because the cut is a byte offset and a kill can split a UTF-8
 * sequence.
 *
 * The contract with the writer (`JsonlLog.append`): every record is one line, written whole with its `\n`,
 * never rewritten. So after any crash the file is whole records followed by at most one torn tail:
 * - bytes after the last `\n` (an append cut short), or
 * - a last line that ends in `\n` but is not valid JSON (a filesystem that extended the file before the data
 *   reached the disk leaves zeros there after a power cut).
 * Both are dropped. A bad line with good lines after it cannot come from a crash, so it is an error naming the
 * file and line: someone edited the file, or the disk is failing, and guessing would lose data silently.
 */
import { MaftError } from '../errors/maft-error.js';

export interface ScannedLine {
  /** 1-based line number. */
  line: number;
  value: unknown;
}

export interface TornTail {
  /** Byte offset where the dropped bytes start (the file's new length). */
  offset: number;
  /** How many bytes were dropped. */
  length: number;
  /** 1-based line number of the dropped line. */
  line: number;
  reason: 'no trailing newline' | 'invalid JSON';
}

export interface JsonlScan {
  lines: ScannedLine[];
  /** Length in bytes of the whole records: where a repair truncates to, and where the next append goes. */
  validLength: number;
  torn?: TornTail;
}

const newline = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Scan a JSONL file's bytes. `file` only names the file in errors. Blank lines are skipped. */
export function scanJsonl(bytes: Uint8Array, file: string): JsonlScan {
  const lastNewline = bytes.lastIndexOf(newline);
  const completeLength = lastNewline + 1;
  const parsed: { line: number; start: number; value: unknown; error?: string }[] = [];
  let start = 0;
  let lineNumber = 0;
  while (start < completeLength) {
    const end = bytes.indexOf(newline, start);
    lineNumber++;
    const result = parseLine(bytes.subarray(start, end));
    if (result !== 'blank') parsed.push({ line: lineNumber, start, ...result });
    start = end + 1;
  }

  let validLength = completeLength;
  let torn: TornTail | undefined;
  const last = parsed[parsed.length - 1];
  if (last?.error !== undefined) {
    parsed.pop();
    validLength = last.start;
    torn = { offset: last.start, length: bytes.length - last.start, line: last.line, reason: 'invalid JSON' };
  } else if (completeLength < bytes.length) {
    const length = bytes.length - completeLength;
    torn = { offset: completeLength, length, line: lineNumber + 1, reason: 'no trailing newline' };
  }

  const bad = parsed.find((entry) => entry.error !== undefined);
  if (bad !== undefined) {
    throw new MaftError(
      'RUN_CORRUPT',
      `${bad.error}; records after it are intact, so this is not a torn write: restore the file or remove the line`,
      { file, line: bad.line },
    );
  }
  return { lines: parsed.map(({ line, value }) => ({ line, value })), validLength, ...(torn && { torn }) };
}

function parseLine(bytes: Uint8Array): { value: unknown; error?: string } | 'blank' {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { value: undefined, error: 'invalid UTF-8' };
  }
  if (text.trim() === '') return 'blank';
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { value: undefined, error: `invalid JSON (${(error as Error).message})` };
  }
}
