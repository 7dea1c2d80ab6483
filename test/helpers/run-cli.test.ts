/**
 * The tests run the CLI from dist/ only when dist/ is current (test/helpers/run-cli.ts): a source changed after the
 * last build, or one never built, sends them to the source through tsx.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleBuild } from './run-cli.js';
import { testDirectory } from '../run-store/temporary-directory.js';

function tree(root: string, files: Record<string, number>): void {
  for (const [name, seconds] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    utimesSync(file, seconds, seconds);
  }
}

describe('staleBuild', () => {
  it('is undefined when every source has its compiled file, built no earlier', () => {
    const root = testDirectory('stale-build');
    tree(root, { 'src/a.ts': 100, 'src/cli/b.ts': 100, 'src/types.d.ts': 500, 'dist/a.js': 200, 'dist/cli/b.js': 100 });
    expect(staleBuild(root)).toBeUndefined();
  });

  it('names a source changed after the build', () => {
    const root = testDirectory('stale-build');
    tree(root, { 'src/a.ts': 100, 'src/cli/b.ts': 300, 'dist/a.js': 200, 'dist/cli/b.js': 200 });
    expect(staleBuild(root)).toBe(`${path.join('src', 'cli', 'b.ts')} is newer than dist/`);
  });

  it('names a source never built, and a missing dist/', () => {
    const root = testDirectory('stale-build');
    tree(root, { 'src/a.ts': 100, 'src/new.ts': 100, 'dist/a.js': 200 });
    expect(staleBuild(root)).toBe(`no ${path.join('dist', 'new.js')}`);
    const bare = testDirectory('stale-build');
    tree(bare, { 'src/a.ts': 100 });
    expect(staleBuild(bare)).toBe(`no ${path.join('dist', 'a.js')}`);
  });
});
