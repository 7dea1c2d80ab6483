/**
 * The few lines of HTTP maft serve needs on node:http: a body read under a byte limit, JSON answers, OpenAI
 * error bodies, and Server-Sent Events (`data: <json>\n\n`, ending with `data: [DONE]`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServeError } from './serve-error.js';

/**
 * The request body, or a 413 ServeError past `limit` bytes. An oversized body is read to its end (discarded,
 * up to 64 × limit) so the client gets the 413 instead of a reset connection; beyond that the socket is closed.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > limit * 64) request.destroy();
    });
    request.on('end', () => (tooLarge ? reject(tooLargeError(limit)) : resolve(Buffer.concat(chunks))));
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete)
        reject(tooLarge ? tooLargeError(limit) : new Error('the client closed the connection while sending'));
    });
  });
}

const tooLargeError = (limit: number) =>
  new ServeError(413, 'invalid_request_error', 'request_too_large', `the request body is larger than ${limit} bytes`);

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ServeError, headers: Record<string, string> = {}): void {
  sendJson(response, error.status, error.body(), { ...headers, ...error.headers });
}

/** An SSE stream on `response`; `send` is a no-op once the client is gone. */
export interface EventStream {
  send(data: unknown): void;
  /** `data: [DONE]` and the end of the response. */
  done(): void;
}

export function openEventStream(response: ServerResponse, headers: Record<string, string> = {}): EventStream {
  response.writeHead(200, {
    ...headers,
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  response.flushHeaders();
  const write = (text: string) => {
    if (!response.destroyed && !response.writableEnded) response.write(text);
  };
  return {
    send: (data) => write(`data: ${JSON.stringify(data)}\n\n`),
    done: () => {
      write('data: [DONE]\n\n');
      if (!response.writableEnded) response.end();
    },
  };
}
