import { readFileSync } from 'node:fs';

/** The version in maft's package.json (dist/cli/ → ../../package.json). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
