import { readdir, readFile, stat } from 'node:fs/promises';
import { MaftError } from '../errors/maft-error.js';

/**
 * The thin I/O layer of the task loaders: reading a file, telling a file from a directory, listing a
 * directory in a stable order. A path that does not exist (or cannot be read) is FILE_NOT_FOUND naming it.
 */

function notFound(file: string, error: unknown): MaftError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code ?? String(error)})`;
  return new MaftError('FILE_NOT_FOUND', reason, { file }, { cause: error });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The whole text of a UTF-8 file. Bytes that are not UTF-8 are an error naming the line: replacing them with
 * U+FFFD would silently change a question or an answer.
 */
export async function readTextFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw notFound(file, error);
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MaftError('INPUT_INVALID', 'invalid UTF-8 bytes (expected UTF-8 text; re-encode the file)', {
      file,
      line: firstBadLine(bytes),
    });
  }
}

/** The 1-based line holding the first byte sequence that is not UTF-8. */
function firstBadLine(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    try {
      strictUtf8.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end < 0) break;
    line++;
    start = end + 1;
  }
  return line;
}

export type PathKind = 'file' | 'directory';

/** Whether `file` is a file or a directory (anything else counts as a file, and reading it will tell). */
export async function pathKind(file: string): Promise<PathKind> {
  try {
    return (await stat(file)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    throw notFound(file, error);
  }
}

export interface DirectoryEntry {
  name: string;
  kind: PathKind;
}

/** A directory's entries (hidden ones skipped) in natural order: `2.json` before `10.json`. */
export async function listDirectory(directory: string): Promise<DirectoryEntry[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries
      .filter((entry) => !entry.name.startsWith('.'))
      .map((entry): DirectoryEntry => ({ name: entry.name, kind: entry.isDirectory() ? 'directory' : 'file' }))
      .sort((left, right) => compareNatural(left.name, right.name));
  } catch (error) {
    throw notFound(directory, error);
  }
}

/**
 * Names compared by their leading integers when both have one (`2.json` < `10.json`), else by code units:
 * locale-independent, so the order (and every id derived from it) is the same on every machine.
 */
export function compareNatural(left: string, right: string): number {
  const leftNumber = /^\d+/.exec(left)?.[0];
  const rightNumber = /^\d+/.exec(right)?.[0];
  if (leftNumber !== undefined && rightNumber !== undefined && leftNumber !== rightNumber) {
    return Number(leftNumber) - Number(rightNumber);
  }
  return left < right ? -1 : left > right ? 1 : 0;
}
