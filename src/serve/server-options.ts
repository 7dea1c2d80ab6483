/**
 * The settings of a society server, each with its unit, default and meaning (`maft serve` flags map onto these).
 */
import type { RequestLogger } from './request-log.js';

export interface SocietyServerLimits {
  /** Requests answered at once (debates or direct agent calls). Default 2: on CPU the engine decodes one sequence at a time anyway. */
  concurrency: number;
  /** Requests waiting for a slot; one more is answered 429 with Retry-After. Default 32. */
  queueSize: number;
  /** Milliseconds from arrival (queueing included) after which a request is cancelled and answered 504. Default 300000. */
  timeoutMs: number;
  /** Bytes of request body; a larger body is answered 413. Default 1 MiB. */
  maxBodyBytes: number;
  /** Characters of one message; a longer one is answered 413. Default 32000. */
  maxMessageChars: number;
  /** Messages per request. Default 64. */
  maxMessages: number;
}

export const defaultServerLimits: SocietyServerLimits = {
  concurrency: 2,
  queueSize: 32,
  timeoutMs: 300_000,
  maxBodyBytes: 1024 * 1024,
  maxMessageChars: 32_000,
  maxMessages: 64,
};

export interface SocietyServerSecurity {
  /** The API key every request must present as `Authorization: Bearer <key>`; undefined: none needed. */
  apiKey?: string | undefined;
  /** Origins allowed to call from a browser (CORS). Default none: no CORS headers at all. `*` allows any. */
  corsOrigins?: readonly string[];
}

export interface SocietyServerLogging {
  /** Called once per request (JSONL in the CLI). Default: no log. */
  log?: RequestLogger;
  /** Put the request's messages and the reply into the log. Default false. */
  logContent?: boolean;
}
