/**
 * A hosted trainer's failure as one MaftError line: an unreachable service, a rejected key, a refused request
 * (400: the provider's own message, e.g. a bad training file), or transient failures past every retry.
 */
import { MaftError } from '../errors/maft-error.js';

interface HttpLikeError {
  status?: number;
  message?: string;
  name?: string;
  cause?: unknown;
}

export function hostedErrorOf(what: string, error: unknown): MaftError {
  if (error instanceof MaftError) return error;
  const failure = (error ?? {}) as HttpLikeError;
  const message = (failure.message ?? String(error)).split('\n')[0] ?? '';
  if (failure.status === undefined) {
    const connection = /connect|ECONNREFUSED|ENOTFOUND|fetch failed|Connection error/i.test(
      `${failure.name ?? ''} ${message} ${String((failure.cause as Error | undefined)?.message ?? '')}`,
    );
    return new MaftError(
      connection ? 'ENDPOINT_UNREACHABLE' : 'REQUEST_FAILED',
      `${what}: ${connection ? 'cannot connect' : message}`,
      {},
      { cause: error, retryable: connection },
    );
  }
  if (failure.status === 401 || failure.status === 403)
    return new MaftError('CONFIG_INVALID', `${what}: the API key was refused (${failure.status})`, {
      field: 'trainer.apiKeyEnv',
    });
  return new MaftError(
    'REQUEST_FAILED',
    `${what}: ${failure.status} ${message}`,
    {},
    {
      cause: error,
      retryable: failure.status === 429 || failure.status >= 500,
    },
  );
}

/** For `.catch(hostedError(what))`. */
export const hostedError =
  (what: string) =>
  (error: unknown): never => {
    throw hostedErrorOf(what, error);
  };
