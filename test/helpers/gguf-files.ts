import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every `.gguf` file under `root` (recursively), by its path relative to `root`, with its bytes. */
export function readGgufFiles(root: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.gguf')) found.set(path.relative(root, file), readFileSync(file));
    }
  };
  walk(root);
  return found;
}
