import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs the real `maft` CLI from source (through tsx), as a user runs the built one. */
export function cliCommand(): string[] {
  return [process.execPath, '--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts')];
}

export function runCli(args: readonly string[], input?: string): CliResult {
  const [executable, ...prefix] = cliCommand();
  const result = spawnSync(executable as string, [...prefix, ...args], {
    cwd: repoRoot,
    input: input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
