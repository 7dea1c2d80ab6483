import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The public data sets live beside the repository in `../shared` (never copied into it). Tests read them
 * from there; MAFT_SHARED_DIR overrides the location.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = process.env['MAFT_SHARED_DIR'] ?? path.resolve(repoRoot, '..', 'shared');

export function sharedPath(...parts: string[]): string {
  const file = path.join(sharedDir, ...parts);
  if (!existsSync(file)) throw new Error(`shared test data missing: ${file} (set MAFT_SHARED_DIR)`);
  return file;
}
