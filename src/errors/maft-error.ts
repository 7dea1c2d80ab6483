/**
 * The one error root of maft. Every expected failure (bad input, bad config, missing file…) is a MaftError
 * with a stable code; the CLI's single error boundary prints it as one line and exits with `exitCode`.
 * Anything else that reaches the boundary is a bug and is printed with its stack.
 */
export const errorCodes = {
  /** A user-supplied input (file, line, field) does not have the expected shape. */
  INPUT_INVALID: 2,
  /** A configuration value or flag is invalid. */
  CONFIG_INVALID: 2,
  /** A named task, method or backend does not exist. */
  UNKNOWN_NAME: 2,
  /** More problems were asked for than the source holds. */
  NOT_ENOUGH_PROBLEMS: 2,
  /** A file or directory the user named does not exist or cannot be read. */
  FILE_NOT_FOUND: 2,
  /** An existing run directory was opened with a config that differs from the one it was created with. */
  RUN_CONFIG_CHANGED: 2,
  /** Another live process holds the run directory's lock. */
  RUN_LOCKED: 1,
  /** A run file is damaged beyond a torn last line (a bad line mid-file, an unreadable manifest or config). */
  RUN_CORRUPT: 1,
  /** An operation exceeded its time bound. */
  TIMEOUT: 1,
  /** An internal invariant failed (a bug in maft). */
  INTERNAL: 70,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface ErrorLocation {
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** The field (or config path) at fault, dotted. */
  field?: string;
}

export class MaftError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MaftError';
    this.code = code;
    this.location = location;
  }

  get exitCode(): number {
    return errorCodes[this.code];
  }

  /** `file:line: field: message`, with whatever parts are known. */
  toOneLine(): string {
    const where = [
      this.location.file !== undefined
        ? this.location.line !== undefined
          ? `${this.location.file}:${this.location.line}`
          : this.location.file
        : this.location.line !== undefined
          ? `line ${this.location.line}`
          : undefined,
      this.location.field,
    ].filter((part): part is string => part !== undefined);
    return where.length > 0 ? `${where.join(': ')}: ${this.message}` : this.message;
  }
}

export function isMaftError(error: unknown): error is MaftError {
  return error instanceof MaftError;
}
