/**
 * An append-only JSONL file of keyed records: what a stage has finished (one debate transcript per problem,
 * one cached response per request). Opening it repairs a torn tail and loads every record; `has(key)` then
 * says what is done, so a restarted stage does only what is missing and never writes a record twice.
 *
 * Durability contract: `append` writes the record's line (with its `\n`) in one `write`, then `fdatasync`s,
 * and only then returns. So a record whose `append` returned survives a kill -9 (and a power cut); a record
 * whose `append` was interrupted is either whole or a torn tail that the next open cuts away (see
 * jsonl-scan.ts). The dropped bytes are appended to `<file>.torn` for forensics, never silently lost.
 *
 * One writer at a time: the run's process lock guarantees it. Appends are synchronous, so concurrent async
 * workers in one process cannot interleave half lines either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import { syncDirectory, writeAll } from './atomic-file.js';
import { scanJsonl, type TornTail } from './jsonl-scan.js';

export interface JsonlLogOptions<T> {
  /** The record's identity (a problem id, a request hash). */
  keyOf: (record: T) => string;
  /** Check and convert a parsed line (throw a MaftError naming `where` when it is wrong); default: trust it. */
  parse?: (value: unknown, where: { file: string; line: number }) => T;
  /** A key already in the file: `error` (default; a stage must check `has` first) or `ignore` (keep the first). */
  onDuplicate?: 'error' | 'ignore';
  /** Fields written into every appended line next to the record's own (the producer stamp of a stage record). */
  stamp?: Record<string, unknown>;
}

/** What opening the log repaired: the torn tail that was cut away, and where a copy of it was kept. */
export interface TornTailRepair extends TornTail {
  file: string;
  keptIn: string;
}

export class JsonlLog<T> {
  readonly file: string;
  /** Set when opening cut a torn tail away; callers report it (one line: file, bytes, reason). */
  readonly repair: TornTailRepair | undefined;
  private readonly options: JsonlLogOptions<T>;
  private readonly byKey = new Map<string, T>();
  private readonly inOrder: T[] = [];
  private descriptor: number | undefined;
  /** Bytes of whole records: where a failed append is cut back to. */
  private length: number;

  private constructor(
    file: string,
    options: JsonlLogOptions<T>,
    repair: TornTailRepair | undefined,
    descriptor: number,
    length: number,
  ) {
    this.file = file;
    this.options = options;
    this.repair = repair;
    this.descriptor = descriptor;
    this.length = length;
  }

  /** Open (creating it and its directory if needed), repair a torn tail, load the records. */
  static open<T>(file: string, options: JsonlLogOptions<T>): JsonlLog<T> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existed = fs.existsSync(file);
    const descriptor = fs.openSync(file, 'a+');
    try {
      if (!existed) syncDirectory(path.dirname(file));
      const bytes = fs.readFileSync(descriptor);
      const scan = scanJsonl(bytes, file);
      let repair: TornTailRepair | undefined;
      if (scan.torn !== undefined) {
        // Keep the copy durable before cutting, so a crash in between loses nothing (it may copy twice).
        const keptIn = `${file}.torn`;
        fs.appendFileSync(keptIn, bytes.subarray(scan.validLength), { flush: true });
        fs.ftruncateSync(descriptor, scan.validLength);
        fs.fsyncSync(descriptor);
        repair = { ...scan.torn, file, keptIn };
      }
      const log = new JsonlLog<T>(file, options, repair, descriptor, scan.validLength);
      for (const { line, value } of scan.lines) {
        const record = options.parse ? options.parse(value, { file, line }) : (value as T);
        log.remember(record, line);
      }
      return log;
    } catch (error) {
      fs.closeSync(descriptor);
      throw error;
    }
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** The records in file order. */
  records(): readonly T[] {
    return this.inOrder;
  }

  get size(): number {
    return this.inOrder.length;
  }

  /** Append one record durably (see the contract above). A key already present is refused (or ignored). */
  append(record: T): void {
    if (this.descriptor === undefined) throw new MaftError('INTERNAL', 'append to a closed log', { file: this.file });
    const key = this.options.keyOf(record);
    if (this.byKey.has(key)) {
      if (this.options.onDuplicate === 'ignore') return;
      throw new MaftError('INTERNAL', `a record with key ${JSON.stringify(key)} is already in the log`, {
        file: this.file,
      });
    }
    const stamped = this.options.stamp === undefined ? record : ({ ...record, ...this.options.stamp } as T);
    const line = JSON.stringify(stamped);
    if (line === undefined) throw new MaftError('INTERNAL', 'cannot write undefined as a record', { file: this.file });
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    try {
      writeAll(this.descriptor, bytes);
      fs.fdatasyncSync(this.descriptor);
    } catch (error) {
      // A write that failed part way (a full disk) must not leave a half line for the next record to follow.
      fs.ftruncateSync(this.descriptor, this.length);
      throw error;
    }
    this.length += bytes.length;
    this.byKey.set(key, stamped);
    this.inOrder.push(stamped);
  }

  close(): void {
    if (this.descriptor === undefined) return;
    fs.closeSync(this.descriptor);
    this.descriptor = undefined;
  }

  private remember(record: T, line: number): void {
    const key = this.options.keyOf(record);
    if (this.byKey.has(key)) {
      if (this.options.onDuplicate === 'ignore') return;
      throw new MaftError(
        'RUN_CORRUPT',
        `duplicate key ${JSON.stringify(key)} (a record is written once); remove the line`,
        { file: this.file, line },
      );
    }
    this.byKey.set(key, record);
    this.inOrder.push(record);
  }
}
