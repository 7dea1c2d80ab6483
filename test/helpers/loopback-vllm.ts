/**
 * A loopback HTTP server that answers the LoRA admin surface of vLLM's OpenAI-compatible server as vLLM
 * documents it (docs "LoRA Adapters" → "Dynamically serving LoRA adapters"; vllm/entrypoints/openai
 * serving_models.py; the Prometheus metric vllm:lora_requests_info). It is not vLLM: no GPU or vLLM can run
 * here. It reads each adapter's adapter_config.json from disk as vLLM does, so rank limits come from real files.
 * Chat completions answer a fixed text naming the model asked for (the base or a loaded adapter; others 404),
 * or, given `chat`, whatever that answers (test/helpers/vllm-on-llama-server.ts: a real llama-server applying the
 * adapter the request names).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface LoopbackVllmOptions {
  readonly baseModel?: string;
  /** VLLM_ALLOW_RUNTIME_LORA_UPDATING=True: the load/unload routes exist. Default true. */
  readonly runtimeLora?: boolean;
  /** Whether load_inplace is understood (newer vLLM). Default true. */
  readonly loadInplace?: boolean;
  readonly maxLoras?: number;
  readonly maxLoraRank?: number;
  /** Whether /metrics is served. Default true. */
  readonly metrics?: boolean;
  /** The port to listen on (a restarted server at the same address). Default 0: one the system picks. */
  readonly port?: number;
  /**
   * Answers a chat completion for a model the server serves (the base or a loaded adapter), given the adapters
   * loaded now (name → path). Default: a fixed text naming the model.
   */
  readonly chat?: (
    model: string,
    body: Record<string, unknown>,
    loaded: ReadonlyMap<string, string>,
  ) => Promise<{ status: number; body: unknown }>;
}

export interface LoopbackVllm {
  readonly url: string;
  readonly requests: { method: string; path: string; body: Record<string, unknown> | undefined }[];
  readonly loaded: Map<string, string>;
  close(): Promise<void>;
}

export async function startLoopbackVllm(options: LoopbackVllmOptions = {}): Promise<LoopbackVllm> {
  const base = options.baseModel ?? 'meta-llama/Llama-3.1-8B-Instruct';
  const maxLoraRank = options.maxLoraRank ?? 16;
  const loaded = new Map<string, string>();
  const requests: LoopbackVllm['requests'] = [];
  const send = (response: ServerResponse, status: number, body: unknown): void => {
    // No keep-alive: a client must never hold a socket to a server that a test stops and starts again.
    response.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      connection: 'close',
    });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const error = (message: string): unknown => ({
    object: 'error',
    message,
    type: 'BadRequestError',
    param: null,
    code: 400,
  });

  const handle = (request: IncomingMessage, response: ServerResponse, text: string): void => {
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    requests.push({ method: request.method ?? '', path: request.url ?? '', body });
    const route = `${request.method} ${request.url}`;
    if (route === 'GET /v1/models') {
      const adapters = [...loaded].map(([id, root]) => ({ id, object: 'model', owned_by: 'vllm', root, parent: base }));
      return send(response, 200, {
        object: 'list',
        data: [
          { id: base, object: 'model', owned_by: 'vllm', root: base, parent: null, max_model_len: 8192 },
          ...adapters,
        ],
      });
    }
    if (route === 'GET /metrics' && options.metrics !== false) {
      return send(
        response,
        200,
        `# TYPE vllm:lora_requests_info gauge\nvllm:lora_requests_info{max_lora="${options.maxLoras ?? 1}",running_lora_adapters="",waiting_lora_adapters=""} 1.7e+09\n`,
      );
    }
    if (options.runtimeLora !== false && route === 'POST /v1/load_lora_adapter') {
      const name = body?.['lora_name'];
      const adapterPath = body?.['lora_path'];
      if (typeof name !== 'string' || typeof adapterPath !== 'string')
        return send(response, 400, error("Both 'lora_name' and 'lora_path' must be provided."));
      const inplace = options.loadInplace !== false && body?.['load_inplace'] === true;
      if (loaded.has(name) && !inplace)
        return send(
          response,
          400,
          error(
            `The lora adapter '${name}' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.`,
          ),
        );
      let rank: number;
      try {
        const config = JSON.parse(readFileSync(path.join(adapterPath, 'adapter_config.json'), 'utf8')) as {
          r: number;
          rank_pattern?: Record<string, number>;
        };
        rank = Math.max(config.r, ...Object.values(config.rank_pattern ?? {}));
      } catch {
        return send(response, 400, error(`No adapter found for ${adapterPath}`));
      }
      if (rank > maxLoraRank)
        return send(response, 400, error(`LoRA rank ${rank} is greater than max_lora_rank ${maxLoraRank}.`));
      loaded.set(name, adapterPath);
      return send(response, 200, `Success: LoRA adapter '${name}' added successfully.`);
    }
    if (options.runtimeLora !== false && route === 'POST /v1/unload_lora_adapter') {
      const name = String(body?.['lora_name']);
      if (!loaded.delete(name))
        return send(response, 404, {
          object: 'error',
          message: `The lora adapter '${name}' cannot be found.`,
          type: 'NotFoundError',
          param: null,
          code: 404,
        });
      return send(response, 200, `Success: LoRA adapter '${name}' removed successfully.`);
    }
    if (route === 'POST /v1/chat/completions') {
      // vLLM answers a request naming the base or a loaded adapter, and 404s any other model name.
      const model = String(body?.['model']);
      if (model !== base && !loaded.has(model))
        return send(response, 404, {
          object: 'error',
          message: `The model \`${model}\` does not exist.`,
          type: 'NotFoundError',
          param: null,
          code: 404,
        });
      if (options.chat !== undefined) {
        options.chat(model, body ?? {}, new Map(loaded)).then(
          (answer) => send(response, answer.status, answer.body),
          (failure: unknown) => send(response, 500, error(`chat failed: ${String(failure)}`)),
        );
        return;
      }
      return send(response, 200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: 0,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: `${model} says \\boxed{7}` }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    }
    send(response, 404, { detail: 'Not Found' });
  };

  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => handle(request, response, text));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    loaded,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // as a stopped server process does: no keep-alive socket outlives it
      }),
  };
}
