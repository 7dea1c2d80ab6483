/**
 * An error answered to an HTTP client in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, so
 * every OpenAI client library raises its usual error class (BadRequestError, AuthenticationError, …) with the
 * message. Statuses: 400 bad request, 401 missing or wrong API key, 404 unknown model or path, 405 wrong method,
 * 413 body or message too large, 429 queue full (with Retry-After), 499 (log only) client gone, 500 internal,
 * 503 shutting down, 504 request timed out.
 */
export type ServeErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'timeout_error';

export class ServeError extends Error {
  constructor(
    readonly status: number,
    readonly type: ServeErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ServeError';
  }

  body(): { error: { message: string; type: string; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (code: string, message: string, param: string | null = null): ServeError =>
  new ServeError(400, 'invalid_request_error', code, message, param);
