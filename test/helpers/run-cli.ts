import { spawn, spawnSync } from 'node:child_process';
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
    timeout: 900_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As runCli, without blocking the event loop (for tests whose own process serves the CLI, e.g. a server). */
export function runCliAsync(args: readonly string[]): Promise<CliResult> {
  const [executable, ...prefix] = cliCommand();
  return new Promise((resolve) => {
    const child = spawn(executable as string, [...prefix, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
