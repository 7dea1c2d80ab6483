/** Every file under a directory (relative path → sha256 of its bytes), to show a command changed nothing. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export function snapshotDirectory(directory: string): Record<string, string> | 'absent' {
  if (!existsSync(directory)) return 'absent';
  if (!statSync(directory).isDirectory())
    return { '.': createHash('sha256').update(readFileSync(directory)).digest('hex') };
  const files: Record<string, string> = {};
  for (const name of readdirSync(directory, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(directory, name);
    files[name] = statSync(file).isDirectory()
      ? 'directory'
      : createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return files;
}
