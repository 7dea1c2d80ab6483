import { CommanderError } from 'commander';
import { isMaftError } from '../errors/maft-error.js';

/**
 * The single place that prints errors. Expected failures (MaftError) become one line with their stable
 * code; commander's usage errors were already printed by commander; anything else is a bug, printed with
 * its stack so it can be reported.
 */
export function reportError(
  error: unknown,
  write: (line: string) => void = (line) => process.stderr.write(line),
): number {
  if (isMaftError(error)) {
    write(`maft: error [${error.code}]: ${error.toOneLine()}\n`);
    return error.exitCode;
  }
  if (error instanceof CommanderError) {
    // help and version end with code 0; usage errors are input errors (2), like every bad input.
    return error.exitCode === 0 ? 0 : 2;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(`maft: internal error (please report it): ${detail}\n`);
  return 70;
}
