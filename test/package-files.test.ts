/**
 * What `npm pack` puts in the package: the built CLI and library, the Python trainer, and the shipped base model
 * with its report and card — `maft run` with no config resolves models/arithmetic-base.gguf next to dist/, so a
 * package without it could not run its own default.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../src/config/resolve-run-config.js';

const root = path.resolve(import.meta.dirname, '..');

describe('the npm package', () => {
  it('holds the shipped base model, its report and card, where the embedded default looks for it', () => {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
    ) as { files: { path: string }[] }[];
    const files = new Set(packed[0]!.files.map((file) => file.path));
    const model = path.relative(root, shippedBaseModel);
    expect(model).toBe(path.join('models', 'arithmetic-base.gguf'));
    for (const name of [model, 'models/arithmetic-base.json', 'models/arithmetic-base.md', 'README.md'])
      expect(files.has(name), name).toBe(true);
    expect([...files].some((name) => name.startsWith('test/'))).toBe(false);
  });
});
