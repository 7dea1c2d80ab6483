/**
 * A run directory is meant to be shared (copied, attached to a report, committed next to results), so the
 * resolved config written into it must hold no secrets. Configs name the environment variable or file a
 * secret comes from (`apiKeyEnv: OPENAI_API_KEY`) instead of the secret itself. Pure.
 */
import { MaftError } from '../errors/maft-error.js';

/** Words that make a key a secret: `apiKey`, `api_key`, `token`, `hfToken`, `clientSecret`, `password`… */
const secretWords = new Set([
  'token',
  'secret',
  'secrets',
  'password',
  'passwd',
  'credential',
  'credentials',
  'authorization',
]);
/** Pairs of words that make a key a secret: `apiKey`, `accessKey`, `privateKey`. */
const secretPairs = [
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
] as const;
/** A key ending in one of these names where a secret lives, not the secret: `apiKeyEnv`, `tokenFile`. */
const referenceWords = new Set(['env', 'var', 'variable', 'file', 'path', 'name', 'header']);

/** `apiKey` → `[api, key]`, `OPENAI_API_KEY` → `[openai, api, key]`, `maxTokens` → `[max, tokens]`. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Whether a key is named like a secret. `maxTokens`, `tokenizer` and `apiKeyEnv` are not; `apiKey` is. */
export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined || referenceWords.has(last)) return false;
  if (words.some((word) => secretWords.has(word) || word === 'apikey')) return true;
  return secretPairs.some(([first, second]) =>
    words.some((word, index) => word === first && words[index + 1] === second),
  );
}

/** The dotted paths of secret-named keys that hold a value (empty strings, null and booleans are no secret). */
export function findSecrets(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => findSecrets(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const itemPath = path === '' ? key : `${path}.${key}`;
    return isSecretKey(key) && holdsValue(item) ? [itemPath] : findSecrets(item, itemPath);
  });
}

/** Throws CONFIG_INVALID naming every path that holds a secret. */
export function assertNoSecrets(config: unknown): void {
  const paths = findSecrets(config);
  if (paths.length === 0) return;
  throw new MaftError(
    'CONFIG_INVALID',
    `looks like a secret, and the config is written into the run directory: ${paths.join(', ')}; ` +
      'name the environment variable that holds it instead (e.g. apiKeyEnv: OPENAI_API_KEY)',
    { field: paths[0] },
  );
}

function holdsValue(value: unknown): boolean {
  if (value === undefined || value === null || typeof value === 'boolean') return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
