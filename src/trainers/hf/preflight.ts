/**
 * Before an `hf` job starts: the named Python runs, and it has torch, transformers, peft and accelerate (plus
 * what the accelerate config needs, e.g. deepspeed). The script itself answers (`--check-packages`, standard
 * library only), so the check sees exactly what the job will import. Any failure is one line naming the Python
 * and everything missing at once.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MaftError } from '../../errors/maft-error.js';

/** python/maft_hf_train.py of this package (src/trainers/hf → ../../../python; the same from dist/). */
export const hfTrainScript = fileURLToPath(new URL('../../../python/maft_hf_train.py', import.meta.url));

export interface PythonPackages {
  readonly python: string;
  readonly version: string;
  /** Whether TRL is installed (the script then uses SFTTrainer; optional). */
  readonly trl: boolean;
}

export function checkHfPython(
  python: string,
  extraPackages: readonly string[] = [],
  script = hfTrainScript,
): PythonPackages {
  const result = spawnSync(python, [script, '--check-packages', '--require', extraPackages.join(',')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MaftError(
      'CONFIG_INVALID',
      missing
        ? `Python not found: ${python} (name a Python 3.9+ with torch, transformers, peft and accelerate)`
        : `cannot run ${python}: ${result.error.message}`,
      { field: 'python' },
    );
  }
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let report: { missing?: string[]; version?: string; trl?: boolean; python?: string };
  try {
    report = JSON.parse(line) as typeof report;
  } catch {
    const why = (result.stderr.trim().split('\n').pop() ?? '').slice(0, 200);
    throw new MaftError('CONFIG_INVALID', `${python} could not run the package check (exit ${result.status}): ${why}`, {
      field: 'python',
    });
  }
  const missing = report.missing ?? [];
  if (missing.length > 0) {
    throw new MaftError(
      'CONFIG_INVALID',
      `${python} (Python ${report.version ?? '?'}) lacks ${missing.join(', ')}: pip install ${missing.join(' ')}`,
      { field: 'python' },
    );
  }
  return { python: report.python ?? python, version: report.version ?? '', trl: report.trl === true };
}
