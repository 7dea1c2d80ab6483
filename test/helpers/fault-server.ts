/**
 * A fault-injecting OpenAI-compatible server on 127.0.0.1 for tests and benchmarks. Each request gets the
 * next behaviour of a script (then the fallback): an error status with headers, a hang, a malformed body, a
 * dropped connection (before or during the body), a body that stalls, or a proper chat completion. It records every request it got and
 * counts the requests in flight (the most at once is `maxInFlight`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CompletionReply {
  kind: 'reply';
  /** The assistant's content; a function sees the request body. Default: echo of the last message. */
  content?: string | ((body: RecordedRequest['body']) => string);
  reasoningContent?: string;
  /** Default `stop`. */
  finishReason?: string;
  /** Wait before answering, in milliseconds. Default 0. */
  delayMs?: number;
  /** Default `{prompt_tokens: 7, completion_tokens: 3}`; null leaves usage out. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

export type Behaviour =
  | CompletionReply
  /** An error status with optional headers (Retry-After…) and body. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** 200, `application/json`, but a body that is not JSON. */
  | { kind: 'malformed-json' }
  /** Destroy the socket without answering. */
  | { kind: 'drop' }
  /** Send the headers and half a body, then nothing. */
  | { kind: 'stall-body' }
  /** Send the headers and half a body, then destroy the socket. */
  | { kind: 'drop-mid-body' };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: { model?: string; messages?: { role: string; content: string }[]; [field: string]: unknown };
  /** performance.now() when the request arrived. */
  receivedAt: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** The most requests that were in flight at once. */
  readonly maxInFlight: number;
  /** Requests in flight now (a client that gave up no longer counts). */
  readonly inFlight: number;
  /** Append behaviours to the script. */
  script(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

const defaultReply: CompletionReply = { kind: 'reply' };

export async function startFaultServer(
  options: { script?: Behaviour[]; fallback?: Behaviour; port?: number } = {},
): Promise<FaultServer> {
  const queue = [...(options.script ?? [])];
  const fallback = options.fallback ?? defaultReply;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((request, response) => {
    const receivedAt = performance.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    response.on('close', done);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text === '' ? {} : JSON.parse(text)) as RecordedRequest['body'];
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        receivedAt,
      });
      behave(queue.shift() ?? fallback, body, request, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script: (...behaviours) => queue.push(...behaviours),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function behave(
  behaviour: Behaviour,
  body: RecordedRequest['body'],
  request: IncomingMessage,
  response: ServerResponse,
): void {
  switch (behaviour.kind) {
    case 'status':
      response.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      response.end(behaviour.body ?? JSON.stringify({ error: { message: `injected ${behaviour.status}` } }));
      return;
    case 'hang':
      return;
    case 'malformed-json':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"choices": [{"message": {"content": "cut');
      return;
    case 'drop':
      request.socket.destroy();
      return;
    case 'stall-body':
    case 'drop-mid-body':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"choices": [', () => {
        if (behaviour.kind === 'drop-mid-body') setTimeout(() => request.socket.destroy(), 10);
      });
      return;
    case 'reply': {
      const send = (): void => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(completion(behaviour, body)));
      };
      if ((behaviour.delayMs ?? 0) > 0) setTimeout(send, behaviour.delayMs);
      else send();
    }
  }
}

function completion(reply: CompletionReply, body: RecordedRequest['body']): unknown {
  const lastMessage = body.messages?.at(-1)?.content ?? '';
  const content = typeof reply.content === 'function' ? reply.content(body) : (reply.content ?? `echo: ${lastMessage}`);
  return {
    id: 'chatcmpl-fault-server',
    object: 'chat.completion',
    created: 0,
    model: body.model ?? 'unknown',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          ...(reply.reasoningContent === undefined ? {} : { reasoning_content: reply.reasoningContent }),
        },
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    ...(reply.usage === null ? {} : { usage: reply.usage ?? { prompt_tokens: 7, completion_tokens: 3 } }),
  };
}
