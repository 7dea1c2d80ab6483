import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * Scratch directories under the OS temp dir (`maft-<prefix>-XXXXXX`) that a test file never leaves behind,
 * whether its tests pass or fail: /tmp is shared by every run of the suite.
 */

/**
 * A fresh directory for this test file, removed after its tests. Call it where hooks can be registered: at the
 * top level of a test file (or of a helper module a test file imports) or in a `describe` body — not in a test
 * or a hook (there use testDirectory, or create the directory at the top level).
 */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), `maft-${prefix}-`));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A fresh directory for the one test that calls it (inside `it`), removed when that test ends, passed or failed. */
export function testDirectory(prefix: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), `maft-${prefix}-`));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
