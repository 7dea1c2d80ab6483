import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Why dist/ cannot stand in for src/, or undefined when it can: every src/**\/*.ts has its compiled .js in dist/,
 * written no earlier than the source was last changed. A source edited (or checked out) after the last
 * `npm run build` makes dist/ stale, and then the tests run the source through tsx — never stale code silently.
 */
export function staleBuild(root = repoRoot): string | undefined {
  const stack = ['src'];
  while (stack.length > 0) {
    const folder = stack.pop() as string;
    for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const relative = path.join(folder, entry.name);
      if (entry.isDirectory()) stack.push(relative);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const built = path.join(root, 'dist', relative.slice('src/'.length).replace(/\.ts$/, '.js'));
        const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs;
        if (builtAt === undefined) return `no ${path.relative(root, built)}`;
        if (builtAt < statSync(path.join(root, relative)).mtimeMs) return `${relative} is newer than dist/`;
      }
    }
  }
  return undefined;
}

let chosen: string[] | undefined;

/**
 * The command line that runs the real `maft` CLI as a user runs it: bin/maft.cjs on the built dist/ when dist/ is
 * current (CI's `npm ci` builds it; a CLI from dist/ also forks its training jobs from dist/), else the source
 * through tsx (about 0.7 s more CPU per process). Decided once per test process; a stale dist/ is named on stderr.
 */
export function cliCommand(): string[] {
  if (chosen === undefined) {
    const stale = staleBuild();
    if (stale !== undefined && statSync(path.join(repoRoot, 'dist'), { throwIfNoEntry: false }) !== undefined)
      process.stderr.write(`maft tests: the CLI runs from src/ through tsx: dist/ is stale (${stale})\n`);
    chosen =
      stale === undefined
        ? [process.execPath, path.join(repoRoot, 'bin/maft.cjs')]
        : [process.execPath, '--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts')];
  }
  return chosen;
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
