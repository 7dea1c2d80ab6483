import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { MaftError } from '../errors/maft-error.js';
import { resolveConfigPaths } from './config-paths.js';

/**
 * Validate a raw config against its zod schema. Every problem is reported at once, as `path: message`
 * joined by "; " in one CONFIG_INVALID error, so a user fixes a config in one pass, not one error per run.
 */
export function validateConfig<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  source: string,
): z.output<Schema> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    return field === '' ? issue.message : `${field}: ${issue.message}`;
  });
  throw new MaftError('CONFIG_INVALID', `invalid ${source}: ${problems.join('; ')}`);
}

/** Read a YAML (or JSON, a YAML subset) config file into a plain object; syntax errors name file and line. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new MaftError('FILE_NOT_FOUND', 'cannot read the config file', { file });
  }
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    const message = ((error as Error).message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+.*$/, '');
    throw new MaftError('CONFIG_INVALID', message, line === undefined ? { file } : { file, line });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MaftError('CONFIG_INVALID', 'expected a mapping of settings at the top level', { file });
  }
  return value as Record<string, unknown>;
}

/** A `maft run` / `maft debate` config file, its relative paths resolved against the file's folder (config-paths.ts). */
export function readConfigFileResolved(file: string): Record<string, unknown> {
  return resolveConfigPaths(readConfigFile(file), path.dirname(path.resolve(file)));
}
