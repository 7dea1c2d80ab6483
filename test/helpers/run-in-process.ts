/**
 * The real `maft` program called in this process (src/cli/program.ts), its stdout and stderr captured: the same
 * commands, flags and error boundary as the executable, without paying a tsx start (1–2 s) per call.
 */
import { main } from '../../src/cli/program.js';
import type { CliResult } from './run-cli.js';

export async function runInProcess(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const capture = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((item): item is () => void => typeof item === 'function');
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  const argv = process.argv;
  process.argv = [argv[0] as string, 'maft', ...args];
  try {
    const status = await main(process.argv);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.argv = argv;
  }
}
