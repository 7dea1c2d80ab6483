/**
 * `createSocietyServer`: the (finetuned) society behind OpenAI's chat-completions contract, as a node:http
 * request handler (embed it in any Node server) plus `close()`. `maft serve` is this handler on its own server.
 *
 *   GET  /v1/models             every served name (served-models.ts)
 *   GET  /v1/models/<name>      one of them
 *   POST /v1/chat/completions   a society debates the messages (or an agent model answers them)
 *   GET  /health                {"status": "ok" | "draining", running, queued}
 *
 * Under load: at most `concurrency` requests run, `queueSize` wait, more get 429 + Retry-After. A request's
 * timeout or its client going away aborts its model calls. `close()` stops admitting (503), lets every admitted
 * request finish, then frees the models.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMaftError } from '../errors/maft-error.js';
import { Admission } from './admission.js';
import { createKeyCheck } from './api-key.js';
import {
  answerWithModel,
  answerWithSociety,
  type CallMeter,
  type DebateEvent,
  type SocietyTask,
} from './answer-request.js';
import { parseChatRequest, type ChatCompletionRequest } from './chat-request.js';
import { openEventStream, readBody, sendError, sendJson } from './http-io.js';
import { openServedModelSource, type ServedModelSource } from './open-society-models.js';
import type { RequestLogEntry, RequestOutcome } from './request-log.js';
import { loadServedSetup, type ServedSetup } from './served-setup.js';
import { resolveModelName, servedModelNames, type ResolvedModelName } from './served-models.js';
import { badRequest, ServeError } from './serve-error.js';
import {
  defaultServerLimits,
  type SocietyServerLimits,
  type SocietyServerLogging,
  type SocietyServerSecurity,
} from './server-options.js';

export interface SocietyServerOptions
  extends Partial<SocietyServerLimits>, SocietyServerSecurity, SocietyServerLogging {
  /** A run directory, a `maft run` config file, or undefined: the embedded default's base society. */
  target?: string;
  /** llama.cpp threads, overriding the config's. */
  threads?: number;
}

export interface SocietyServerStats {
  running: number;
  queued: number;
  draining: boolean;
  /** Generations running in the embedded engine (undefined over HTTP backends). */
  activeGenerations: number | undefined;
}

export interface SocietyServer {
  /** The node:http request handler. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Every model name a request may use. */
  readonly models: string[];
  readonly setup: ServedSetup;
  stats(): SocietyServerStats;
  /** Refuse new requests (503), wait for admitted ones, free the models. Idempotent. */
  close(): Promise<void>;
}

export async function createSocietyServer(options: SocietyServerOptions = {}): Promise<SocietyServer> {
  const setup = loadServedSetup(options.target, options.threads === undefined ? {} : { threads: options.threads });
  const concurrency = options.concurrency ?? defaultServerLimits.concurrency;
  const source = openServedModelSource(setup.config.backend, {
    adapterPath: setup.adapterFile,
    agents: setup.config.society.agents,
    concurrency,
  });
  try {
    // The default society's models load now: a broken adapter fails the start, not the first request.
    const { name, plan } = setup.catalog.defaultSociety;
    await source.open(name, plan);
  } catch (error) {
    await source.dispose();
    throw error;
  }
  return new SocietyRequestHandler(setup, source, options).server();
}

class SocietyRequestHandler {
  private readonly limits: SocietyServerLimits;
  private readonly admission: Admission;
  private readonly checkKey: (authorization: string | undefined) => boolean;
  private readonly models: string[];
  private readonly task: SocietyTask;
  private draining = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly setup: ServedSetup,
    private readonly source: ServedModelSource,
    private readonly options: SocietyServerOptions,
  ) {
    this.limits = { ...defaultServerLimits, ...definedOnly(options) };
    this.admission = new Admission(this.limits.concurrency, this.limits.queueSize);
    this.checkKey = createKeyCheck(options.apiKey);
    this.models = servedModelNames(setup.catalog);
    const { config } = setup;
    this.task = {
      task: setup.task,
      answerType: setup.answerType,
      templates: setup.templates,
      fallbacks: config.fallbacks,
      maxOthers: config.society.maxOthers ?? Math.max(1, config.society.agents - 1),
      summarize: config.society.summarize,
      uniqueIds: config.society.uniqueIds,
      sampling: config.sampling,
    };
  }

  server(): SocietyServer {
    return {
      handle: (request, response) => void this.handle(request, response),
      models: this.models,
      setup: this.setup,
      stats: () => ({
        ...this.admission.stats(),
        draining: this.draining,
        activeGenerations: this.source.activeGenerations(),
      }),
      close: () => (this.closing ??= this.close()),
    };
  }

  private async close(): Promise<void> {
    this.draining = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.source.dispose();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      id: `req-${randomBytes(6).toString('hex')}`,
      method: request.method ?? '',
      path: (request.url ?? '').split('?')[0] ?? '',
      status: 0,
      outcome: 'ok',
      duration_ms: 0,
    };
    const cors = this.corsHeaders(request);
    this.inFlight++;
    try {
      await this.route(request, response, entry, cors);
    } catch (error) {
      const failure = toServeError(error);
      entry.outcome = outcomeOf(failure.status);
      entry.error = failure.code;
      if (failure.status === 500) entry.detail = error instanceof Error ? error.message : String(error);
      if (response.headersSent) response.end();
      else if (!response.destroyed)
        sendError(response, failure, { ...cors, ...(this.draining ? { Connection: 'close' } : {}) });
      else response.statusCode = failure.status;
    } finally {
      // Logged once the request's work has stopped (a cancelled debate's calls included).
      entry.status = response.statusCode;
      entry.duration_ms = Math.round(performance.now() - started);
      try {
        this.options.log?.(entry);
      } catch (error) {
        process.emitWarning(
          `maft serve: cannot write the request log: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (--this.inFlight === 0) this.idle?.();
    }
  }

  private async route(
    request: IncomingMessage,
    response: ServerResponse,
    entry: RequestLogEntry,
    cors: Record<string, string>,
  ): Promise<void> {
    const { method } = request;
    const path = entry.path;
    if (method === 'OPTIONS' && cors['Access-Control-Allow-Origin'] !== undefined) {
      response.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
      response.end();
      return;
    }
    if (path === '/health' && method === 'GET') {
      sendJson(response, 200, { status: this.draining ? 'draining' : 'ok', ...this.admission.stats() }, cors);
      return;
    }
    if (!path.startsWith('/v1/'))
      throw new ServeError(404, 'not_found_error', 'not_found', `no such endpoint: ${method} ${path}`);
    if (!this.checkKey(request.headers.authorization)) {
      throw new ServeError(
        401,
        'authentication_error',
        'invalid_api_key',
        'Incorrect or missing API key (send it as "Authorization: Bearer <key>")',
      );
    }
    if (path === '/v1/models' && method === 'GET') {
      const created = Math.floor(Date.now() / 1000);
      sendJson(
        response,
        200,
        { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created, owned_by: 'maft' })) },
        cors,
      );
      return;
    }
    if (path.startsWith('/v1/models/') && method === 'GET') {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (!this.models.includes(id)) throw unknownModel(id);
      sendJson(response, 200, { id, object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'maft' }, cors);
      return;
    }
    if (path !== '/v1/chat/completions')
      throw new ServeError(404, 'not_found_error', 'not_found', `no such endpoint: ${method} ${path}`);
    if (method !== 'POST')
      throw new ServeError(405, 'invalid_request_error', 'method_not_allowed', `${method} ${path}: use POST`);
    if (this.draining)
      throw new ServeError(
        503,
        'server_error',
        'shutting_down',
        'the server is shutting down; retry elsewhere or later',
      );
    const body = await readBody(request, this.limits.maxBodyBytes);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('invalid_json', 'the request body is not valid JSON');
    }
    const chat = parseChatRequest(json, this.limits);
    entry.model = chat.model;
    entry.stream = chat.stream;
    if (this.options.logContent === true) entry.messages = chat.messages;
    const target = resolveModelName(this.setup.catalog, chat.model);
    if (target === undefined) throw unknownModel(chat.model);
    await this.complete(chat, target, response, entry, cors);
  }

  private async complete(
    chat: ChatCompletionRequest,
    target: ResolvedModelName,
    response: ServerResponse,
    entry: RequestLogEntry,
    cors: Record<string, string>,
  ): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new ServeError(
            504,
            'timeout_error',
            'timeout',
            `the request took longer than ${this.limits.timeoutMs} ms and was cancelled`,
          ),
        ),
      this.limits.timeoutMs,
    );
    const onClose = () => {
      if (!response.writableFinished)
        controller.abort(
          new ServeError(499, 'invalid_request_error', 'client_closed', 'the client closed the connection'),
        );
    };
    response.once('close', onClose);
    const { signal } = controller;
    const meter: CallMeter = { calls: 0, usage: { promptTokens: 0, completionTokens: 0 } };
    const queuedAt = performance.now();
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (fields: Record<string, unknown>) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: chat.model,
      ...fields,
    });
    let release: (() => void) | undefined;
    let stream: ReturnType<typeof openEventStream> | undefined;
    try {
      const slot = this.admission.tryEnter(signal);
      if (slot === undefined) {
        const wait = this.admission.retryAfterSeconds();
        throw new ServeError(
          429,
          'rate_limit_error',
          'rate_limit_exceeded',
          `the server is busy (${this.limits.concurrency} running, ${this.limits.queueSize} queued); retry after ${wait} s`,
          null,
          { 'Retry-After': String(wait) },
        );
      }
      if (chat.stream) stream = openEventStream(response, cors);
      release = await slot;
      entry.queue_ms = Math.round(performance.now() - queuedAt);
      const models = await this.source.open(target.society.name, target.society.plan);
      const sampling = { ...this.task.sampling, ...chat.sampling };
      if (target.kind === 'agent') {
        const agent = models.agents[target.model.agent];
        if (agent === undefined)
          throw new ServeError(500, 'server_error', 'internal', `no agent ${target.model.agent}`);
        const answer = await answerWithModel(agent[target.model.role], chat.messages, sampling, signal, meter);
        const extension = {
          maft: {
            society: target.society.name,
            agent: target.model.agent,
            role: target.model.role,
            model: answer.modelId,
          },
        };
        this.reply(chat, answer, extension, response, stream, chunk, entry, cors, id, created);
        return;
      }
      const seed = chat.sampling.seed ?? randomInt(0, 2 ** 31);
      const onEvent =
        stream === undefined ? undefined : (event: DebateEvent) => stream?.send(chunk({ choices: [], maft: event }));
      const answer = await answerWithSociety(this.task, {
        society: target.society.name,
        rounds: target.society.plan.rounds,
        models,
        messages: chat.messages,
        sampling: chat.sampling,
        seed,
        signal,
        meter,
        ...(onEvent ? { onEvent } : {}),
      });
      this.reply(chat, answer, { maft: answer.extension }, response, stream, chunk, entry, cors, id, created);
    } catch (error) {
      const reason = signal.aborted ? signal.reason : error;
      if (stream === undefined) throw reason;
      // Headers are sent: the error travels as an SSE event (OpenAI's streaming error shape), then the stream ends.
      const failure = toServeError(reason);
      entry.outcome = outcomeOf(failure.status);
      entry.error = failure.code;
      if (failure.status === 500) entry.detail = reason instanceof Error ? reason.message : String(reason);
      response.statusCode = failure.status === 499 ? 499 : 200;
      stream.send(failure.body());
      stream.done();
    } finally {
      // A debate that failed (one call's error ends it) must not leave its other calls running.
      if (!signal.aborted) controller.abort(new ServeError(500, 'server_error', 'request_ended', 'the request ended'));
      clearTimeout(timer);
      response.off('close', onClose);
      release?.();
      entry.calls = meter.calls;
      entry.prompt_tokens = meter.usage.promptTokens;
      entry.completion_tokens = meter.usage.completionTokens;
    }
  }

  private reply(
    chat: ChatCompletionRequest,
    answer: {
      text: string;
      finishReason: 'stop' | 'length';
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    },
    extension: Record<string, unknown>,
    response: ServerResponse,
    stream: ReturnType<typeof openEventStream> | undefined,
    chunk: (fields: Record<string, unknown>) => Record<string, unknown>,
    entry: RequestLogEntry,
    cors: Record<string, string>,
    id: string,
    created: number,
  ): void {
    if (this.options.logContent === true) entry.reply = answer.text;
    if (stream !== undefined) {
      stream.send(
        chunk({
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
        }),
      );
      stream.send(
        chunk({ choices: [{ index: 0, delta: { content: answer.text }, logprobs: null, finish_reason: null }] }),
      );
      stream.send(
        chunk({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: answer.finishReason }], ...extension }),
      );
      if (chat.includeUsage) stream.send(chunk({ choices: [], usage: answer.usage }));
      stream.done();
      return;
    }
    sendJson(
      response,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model: chat.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.text, refusal: null },
            logprobs: null,
            finish_reason: answer.finishReason,
          },
        ],
        usage: answer.usage,
        ...extension,
      },
      cors,
    );
  }

  private corsHeaders(request: IncomingMessage): Record<string, string> {
    const allowed = this.options.corsOrigins ?? [];
    const origin = request.headers.origin;
    if (origin === undefined || allowed.length === 0) return {};
    if (allowed.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
    return allowed.includes(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
  }
}

const outcomeOf = (status: number): RequestOutcome =>
  status === 499 ? 'client_closed' : status === 504 ? 'timeout' : status >= 500 ? 'error' : 'rejected';

const unknownModel = (name: string) =>
  new ServeError(
    404,
    'invalid_request_error',
    'model_not_found',
    `The model \`${name}\` does not exist (GET /v1/models lists the served ones)`,
    'model',
  );

/** Any failure as the error a client gets: a prompt too long for the context is the client's (400). */
function toServeError(error: unknown): ServeError {
  if (error instanceof ServeError) return error;
  if (isMaftError(error) && error.code === 'INPUT_INVALID')
    return badRequest('context_length_exceeded', error.message, 'messages');
  if (isMaftError(error) && error.code === 'TIMEOUT')
    return new ServeError(504, 'timeout_error', 'timeout', error.message);
  return new ServeError(500, 'server_error', 'internal_error', 'the server failed to answer (see its log)');
}

/** The options that are set, so a given `undefined` never replaces a default. */
function definedOnly(options: SocietyServerOptions): Partial<SocietyServerLimits> {
  const keys: (keyof SocietyServerLimits)[] = [
    'concurrency',
    'queueSize',
    'timeoutMs',
    'maxBodyBytes',
    'maxMessageChars',
    'maxMessages',
  ];
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}
