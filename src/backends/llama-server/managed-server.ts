/**
 * One llama-server that maft (re)starts with the adapters the open societies need, and the chat models that
 * choose an adapter per request.
 *
 * The restart rule (llama-server loads adapters only at start): opening a society whose adapters the running
 * server has all loaded reuses it; otherwise, once the requests in flight have finished, the server is stopped
 * and started again with the adapters of every society still open plus the new one's (so models handed out
 * earlier keep working: they look up the current server and their adapter's id on every request). In a run each
 * debate stage opens one society, so the server holds exactly that society's adapters (2N for multiagent FT,
 * one for single-agent FT) and restarts between stages whose adapter sets differ.
 */
import { MaftError } from '../../errors/maft-error.js';
import { createOpenAiCompatibleModel } from '../openai-compatible/index.js';
import type { ChatModel, ChatRequest, ChatResponse } from '../../spec/chat-model.js';
import { startLlamaServer, type LlamaServerLaunch, type RunningLlamaServer } from './launch.js';

export interface ManagedLlamaServerOptions extends Omit<LlamaServerLaunch, 'adapters'> {
  timeoutMs: number;
  /** Called with each (re)start's adapter count and the server's address (progress for people). */
  onStart?: (adapters: number, origin: string) => void;
}

export interface AdapterModel {
  /** An adapter file, or undefined for the base model. */
  file: string | undefined;
  /** The ChatModel id (part of every cache key and record): distinct per adapter. */
  id: string;
}

export class ManagedLlamaServer {
  private server: RunningLlamaServer | undefined;
  /** The (re)start under way; requests wait for it. */
  private starting: Promise<RunningLlamaServer> | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly holds = new Map<number, readonly string[]>();
  private nextHold = 0;
  private readonly clients = new Map<string, ChatModel>();
  private generation = 0;
  private restarts = 0;

  constructor(private readonly options: ManagedLlamaServerOptions) {}

  /** Servers started so far (a test and the docs' restart rule). */
  get starts(): number {
    return this.restarts;
  }

  /** The adapters the running server has loaded, in id order. */
  get loaded(): readonly string[] {
    return this.server?.adapters ?? [];
  }

  /**
   * Make sure the server has `adapters` loaded (restarting it if not) and keep them loaded until `release` is
   * called with the returned hold.
   */
  async hold(adapters: readonly string[]): Promise<number> {
    const id = this.nextHold++;
    const wanted = [...new Set(adapters)];
    // Recorded before any restart, not after: a restart that another society's `hold` starts meanwhile (the
    // methods' chains open societies side by side) must keep these adapters too. Recorded only after, two holds
    // at once each restarted with the adapters held so far plus its own, the later dropped the earlier's, and its
    // requests went to a server without its adapter: every scale 0, the base model's answer under the adapter's
    // id (test/backends/llama-server/managed-society.test.ts).
    this.holds.set(id, wanted);
    try {
      for (;;) {
        const current = (await this.starting) ?? this.server;
        if (this.starting !== undefined) continue; // another restart began meanwhile: wait for that one
        if (current !== undefined && wanted.every((file) => current.adapters.includes(file))) return id;
        await this.restart([...new Set([...this.holds.values()].flat())]);
      }
    } catch (error) {
      this.holds.delete(id);
      throw error;
    }
  }

  release(hold: number): void {
    this.holds.delete(hold);
  }

  /** A chat model on this server: the base model, or one adapter chosen per request. */
  model(adapter: AdapterModel): ChatModel {
    return {
      id: adapter.id,
      complete: async (request: ChatRequest): Promise<ChatResponse> => {
        const server = await this.enter();
        try {
          const response = await this.client(server, adapter).complete(request);
          // llama-server answers with its alias whatever the adapter: record which model really answered.
          return { ...response, modelId: adapter.id };
        } finally {
          this.leave();
        }
      },
    };
  }

  async stop(): Promise<void> {
    const server = (await this.starting?.catch(() => undefined)) ?? this.server;
    this.server = undefined;
    await server?.stop();
  }

  private client(server: RunningLlamaServer, adapter: AdapterModel): ChatModel {
    const key = `${this.generation}\0${adapter.file ?? ''}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      // Never answer for an adapter the server has not loaded: every scale would be 0, the base model's reply
      // recorded under the adapter's id. A model is used only while its society holds its adapters.
      if (adapter.file !== undefined && !server.adapters.includes(adapter.file))
        throw new MaftError(
          'INTERNAL',
          `llama-server: ${adapter.id}: its adapter is not loaded (loaded: ${server.adapters.length === 0 ? 'none' : server.adapters.join(', ')}); a model was used after its society was released`,
        );
      // Every adapter listed, the chosen one at scale 1: a request naming no adapters would reuse a slot's
      // prompt cache computed with another adapter (test/backends/llama-server/lora.test.ts).
      const lora = server.adapters.map((file, id) => ({ id, scale: file === adapter.file ? 1 : 0 }));
      client = createOpenAiCompatibleModel({
        baseURL: `${server.origin}/v1`,
        model: this.options.alias,
        id: adapter.id,
        env: {},
        concurrency: this.options.parallel,
        timeoutMs: this.options.timeoutMs,
        maxRetries: 2,
        ...(lora.length > 0 ? { extraBody: { lora } } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  private async enter(): Promise<RunningLlamaServer> {
    for (;;) {
      const server = (await this.starting) ?? this.server;
      if (server === undefined) throw new Error('llama-server is not running (no society open)');
      if (this.starting === undefined) {
        this.inFlight++;
        return server;
      }
    }
  }

  private leave(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  }

  private async restart(adapters: string[]): Promise<void> {
    const previous = this.starting;
    const next = (async () => {
      await previous?.catch(() => undefined);
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      await this.server?.stop();
      this.server = undefined;
      this.clients.clear();
      this.generation++;
      const server = await startLlamaServer({ ...this.options, adapters });
      this.restarts++;
      this.options.onStart?.(adapters.length, server.origin);
      return server;
    })();
    this.starting = next;
    try {
      this.server = await next;
    } finally {
      if (this.starting === next) this.starting = undefined;
    }
  }
}
