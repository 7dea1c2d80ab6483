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
  /** A training job failed with an error of its own (bad data, divergence, an impossible request). */
  TRAINING_FAILED: 1,
  /** The trainer's child process died (a ggml assertion, out of memory, a kill); the parent and the run survive. */
  TRAINING_CRASHED: 1,
  /** An operation exceeded its time bound. */
  TIMEOUT: 1,
  /** A server could not be connected to at all (connection refused, unknown host): start it or fix the URL. */
  ENDPOINT_UNREACHABLE: 1,
  /** A request to a server failed: an error status, a malformed answer, or transient failures past every retry. */
  REQUEST_FAILED: 1,
  /** `maft cancel`: the provider refused to cancel one or more jobs (they may still run); the others were cancelled. */
  CANCEL_FAILED: 1,
  /** The caller cancelled the operation (its abort signal fired). 130 = the shell's code for Ctrl-C. */
  ABORTED: 130,
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

export interface MaftErrorOptions {
  cause?: unknown;
  /** See `MaftError.retryable`. Default false. */
  retryable?: boolean;
}

export class MaftError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  /**
   * True when the failure is transient (rate limit, server error, timeout, dropped connection): the same
   * operation may succeed if tried again later, e.g. when a run is resumed. False when only a change of input,
   * config or environment can help. Backends have already retried before a retryable error reaches a caller.
   */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options: MaftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MaftError';
    this.code = code;
    this.location = location;
    this.retryable = options.retryable ?? false;
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
