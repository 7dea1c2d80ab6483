/**
 * One JSONL line per request maft serve answered (or dropped): what was asked of which model, what it cost and
 * how it ended. No message content unless the server was started with content logging (`--log-content`): a
 * log is often kept longer and read by more people than the requests themselves.
 */
import { appendFileSync } from 'node:fs';
import type { ChatMessage } from '../spec/chat-model.js';

export type RequestOutcome = 'ok' | 'client_closed' | 'timeout' | 'rejected' | 'error';

export interface RequestLogEntry {
  /** ISO 8601 time the request arrived. */
  time: string;
  id: string;
  method: string;
  path: string;
  /** The HTTP status answered; 499 when the client left first (nginx's convention). */
  status: number;
  outcome: RequestOutcome;
  model?: string;
  stream?: boolean;
  /** The error code answered (OpenAI's `error.code`). */
  error?: string;
  /** What went wrong on a 500 (an error message of maft's, never request content). */
  detail?: string;
  /** Milliseconds waiting for a slot, and in all. */
  queue_ms?: number;
  duration_ms: number;
  /** Model calls finished for this request (replies and summaries), and the tokens they used. */
  calls?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  /** Only with content logging: the request's messages and the answer. */
  messages?: ChatMessage[];
  reply?: string;
}

export type RequestLogger = (entry: RequestLogEntry) => void;

/** A logger appending to `file` (created if missing); each line is written whole, in one append. */
export function jsonlFileLogger(file: string): RequestLogger {
  return (entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** A logger writing JSONL lines to a stream (stderr by default). */
export function jsonlStreamLogger(stream: NodeJS.WritableStream = process.stderr): RequestLogger {
  return (entry) => stream.write(`${JSON.stringify(entry)}\n`);
}
