import { MaftError } from '../errors/maft-error.js';

/**
 * Pure helpers shared by the task parsers: where a record came from, JSONL line splitting, and typed field
 * access whose errors name file, 1-based line and field (`train.jsonl:17: answer: expected a string`).
 * No I/O here, so every parser can be unit-tested on strings.
 */

/** Where a record came from: the file as the user named it, and the 1-based line its record starts on. */
export interface SourceLocation {
  file: string;
  /** Absent for whole-file records (one JSON object per file, as in the MATH directory tree). */
  line?: number;
}

/** The one error every bad record raises. */
export function invalidInput(location: SourceLocation, field: string | undefined, message: string): MaftError {
  return new MaftError('INPUT_INVALID', message, { file: location.file, line: location.line, field });
}

export interface TextLine {
  /** 1-based physical line number. */
  line: number;
  text: string;
}

/** The non-blank lines of a JSONL text, with their physical line numbers (LF or CRLF; a BOM is dropped). */
export function nonBlankLines(text: string): TextLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const result: TextLine[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== '') result.push({ line: index + 1, text: line });
  });
  return result;
}

export type JsonObject = Record<string, unknown>;

/** Parse one JSON object (a JSONL line or a whole file); anything else is INPUT_INVALID at `location`. */
export function parseJsonObject(text: string, location: SourceLocation): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidInput(location, undefined, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput(location, undefined, `expected a JSON object, got ${describeValue(value)}`);
  }
  return value as JsonObject;
}

/** `a string`, `a number`, `null`, `an array`, … for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A non-empty string field; a missing, empty or mistyped field is INPUT_INVALID naming the field. */
export function requireString(record: JsonObject, field: string, location: SourceLocation): string {
  const value = record[field];
  if (value === undefined) throw invalidInput(location, field, 'missing');
  if (typeof value !== 'string') throw invalidInput(location, field, `expected a string, got ${describeValue(value)}`);
  if (value.trim() === '') throw invalidInput(location, field, 'expected a non-empty string');
  return value;
}

/**
 * A field that holds a string or a finite number (answers and ids are often written as JSON numbers); the
 * number is kept in its JSON spelling. Undefined when the field is absent and `optional` is set.
 */
export function stringOrNumberField(
  record: JsonObject,
  field: string,
  location: SourceLocation,
  optional = false,
): string | undefined {
  const value = record[field];
  if (value === undefined && optional) return undefined;
  if (value === undefined) throw invalidInput(location, field, 'missing');
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    throw invalidInput(location, field, `expected a string or a number, got ${describeValue(value)}`);
  }
  if (value.trim() === '') throw invalidInput(location, field, 'expected a non-empty string');
  return value;
}

/** Raise INPUT_INVALID on the first repeated id: the Task contract promises unique ids. */
export function assertUniqueIds(items: readonly { id: string; location: SourceLocation }[]): void {
  const seen = new Map<string, SourceLocation>();
  for (const item of items) {
    const first = seen.get(item.id);
    if (first !== undefined) {
      const where = first.line === undefined ? first.file : `${first.file}:${first.line}`;
      throw invalidInput(item.location, undefined, `duplicate id "${item.id}" (first at ${where})`);
    }
    seen.set(item.id, item.location);
  }
}
