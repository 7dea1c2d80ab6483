/**
 * A bench's scratch directory under the system's temp folder, removed when the process exits (normally, or on
 * Ctrl-C / SIGTERM), so repeated benchmarks do not fill /tmp with models and runs. Set MAFT_BENCH_KEEP=1 to keep
 * it for inspection; its path is then printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function scratchDirectory(prefix: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), `maft-bench-${prefix}-`));
  if (process.env.MAFT_BENCH_KEEP) {
    console.error(`bench: keeping ${directory} (MAFT_BENCH_KEEP)`);
    return directory;
  }
  process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (process.listenerCount(signal) === 0)
      process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
  }
  return directory;
}
