import { readFileSync } from 'node:fs';

/** The version in maft's package.json (src/util/ and dist/util/ both sit two levels below it). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
