/**
 * What differs between a run's stored config and the one a command was started with, as the paths a user
 * can find in the config file: `agents: 3 → 5; sampling.temperature: 1 → 0.7`. Pure.
 */
import { canonicalJson } from './canonical-json.js';

export interface ConfigDifference {
  /** Dotted path, array items as `[index]`: `models[1].path`. */
  path: string;
  /** The stored value; `undefined` when the key is new. */
  before: unknown;
  /** The new value; `undefined` when the key was removed. */
  after: unknown;
}

/**
 * Every leaf where `before` and `after` differ, in key order. Objects are compared key by key and arrays
 * item by item (a longer array shows its extra items as added), so a change deep inside names its own path
 * rather than the whole section. Values that are equal as canonical JSON are equal (key order is irrelevant).
 */
export function diffConfigs(before: unknown, after: unknown, path = ''): ConfigDifference[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffConfigs(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => diffConfigs(before[index], after[index], `${path}[${index}]`)).flat();
  }
  if (before === undefined && after === undefined) return [];
  if (before !== undefined && after !== undefined && canonicalJson(before) === canonicalJson(after)) return [];
  return [{ path: path === '' ? '(whole config)' : path, before, after }];
}

/** The value at a dotted path of `diffConfigs` (`a.b.c`; array items are not walked), `undefined` when absent. */
export function valueAtPath(config: unknown, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (!isPlainObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** `agents: 3 → 5; sampling.temperature: 1 → 0.7`, at most `limit` differences then `… and N more`. */
export function describeConfigDifferences(differences: readonly ConfigDifference[], limit = 10): string {
  const shown = differences
    .slice(0, limit)
    .map((difference) => `${difference.path}: ${showValue(difference.before)} → ${showValue(difference.after)}`);
  const rest = differences.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; … and ${rest} more` : shown.join('; ');
}

/** JSON text (strings quoted, so `"1"` and `1` read differently), cut to keep the message one readable line. */
function showValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = canonicalJson(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
