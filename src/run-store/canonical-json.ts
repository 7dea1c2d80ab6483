/**
 * Canonical JSON: one text per value, whatever order its keys were built in, so equal values hash equally.
 * Used for cache keys (a request's identity) and for comparing a run's stored config with a new one.
 * Pure: no fs, no clock.
 */
import { createHash } from 'node:crypto';
import { MaftError } from '../errors/maft-error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Object keys sorted (by UTF-16 code unit, as `Array.prototype.sort` does, so it is stable across platforms),
 * no whitespace, `undefined` properties left out (as JSON.stringify does). Throws INTERNAL for what JSON
 * cannot hold faithfully: NaN and ±Infinity (JSON.stringify would silently write `null`), `undefined` inside
 * arrays, bigints, functions, symbols and non-plain objects (Date, Map…), so two different requests can never
 * collapse onto one key.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw unrepresentable(path, String(value));
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw unrepresentable(path, typeof value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item: unknown, index) => {
        if (item === undefined) throw unrepresentable(`${path}[${index}]`, 'undefined');
        return write(item, `${path}[${index}]`);
      })
      .join(',')}]`;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw unrepresentable(path, (value as object).constructor?.name ?? 'object');
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${write(item, path === '' ? key : `${path}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}

function unrepresentable(path: string, what: string): MaftError {
  return new MaftError('INTERNAL', `cannot write ${what} as canonical JSON`, path === '' ? {} : { field: path });
}
