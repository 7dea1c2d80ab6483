/**
 * Whole-file writes that a crash cannot leave half done: write a temporary file next to the target, fsync it,
 * rename it over the target (atomic on POSIX filesystems), fsync the directory so the rename itself survives
 * a power cut. A reader sees the old file or the new one, never a mix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';

/** Temporary files end in `.tmp-<pid>-<counter>`; a crash can leave one, and `removeStaleTemporaries` cleans it. */
const temporaryPattern = /\.tmp-\d+-\d+$/;
let temporaryCounter = 0;

export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}-${++temporaryCounter}`;
  const descriptor = fs.openSync(temporary, 'w');
  try {
    writeAll(descriptor, Buffer.from(text, 'utf8'));
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
  fs.renameSync(temporary, file);
  syncDirectory(path.dirname(file));
}

/** `value` as indented JSON with a final newline, written atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parsed JSON of `file`, or `undefined` when it does not exist; RUN_CORRUPT when it does not parse. */
export function readJsonIfExists(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MaftError('RUN_CORRUPT', `not valid JSON (${(error as Error).message})`, { file }, { cause: error });
  }
}

/** Write every byte: `write(2)` may write less than asked (a signal, a full disk), so loop until done. */
export function writeAll(descriptor: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(descriptor, bytes, written, bytes.length - written);
}

/** fsync a directory so entries created or renamed in it are durable. Some filesystems refuse; that is fine. */
export function syncDirectory(directory: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(directory, 'r');
    fs.fsyncSync(descriptor);
  } catch {
    // Directory fsync is unsupported on some platforms (Windows, some network filesystems): best effort.
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/** Delete temporary files a crashed writer left under `directory` (call only while holding the run's lock). */
export function removeStaleTemporaries(directory: string): void {
  for (const name of fs.readdirSync(directory, { recursive: true, encoding: 'utf8' })) {
    if (temporaryPattern.test(name)) fs.rmSync(path.join(directory, name), { force: true });
  }
}
