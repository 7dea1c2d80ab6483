/**
 * Real answers behind the loopback vLLM (loopback-vllm.ts `chat`): each chat completion is forwarded to a real
 * llama.cpp `llama-server` serving the base GGUF, with every adapter registered through /v1/load_lora_adapter
 * converted from its PEFT directory back to a GGUF LoRA by maft's converter (src/adapters) and loaded at scale 0
 * (`--lora-scaled <file>:0`); the request names its adapter as vLLM's does (`model`), and is forwarded with
 * `"lora": [{id, scale}]`: the named adapter at 1, every other at 0 (the base: all 0), as the llama-server
 * backend does (src/backends/llama-server). llama-server loads adapters only at start, so the server is
 * restarted, between requests, whenever the registered set (names, directories, weights) has changed.
 * `forwarded` records, per request, the name asked for and the PEFT directory whose weights were applied.
 */
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { convertPeftToGguf } from '../../src/adapters/convert-adapter.js';
import { startLlamaServer, type LlamaServer } from './llama-server.js';

export interface VllmOnLlamaServerOptions {
  /** The base GGUF: what vLLM's base model stands for. */
  readonly baseGguf: string;
  /** Where converted adapters are written. */
  readonly directory: string;
  readonly binary: string;
  /** Slots of the llama-server (requests decoded together). Default 2. */
  readonly parallel?: number;
}

export interface ForwardedRequest {
  /** The model the request asked vLLM for. */
  readonly model: string;
  /** The PEFT directory applied at scale 1 (undefined: the base model, every adapter at 0). */
  readonly adapter: string | undefined;
  /** The scale of every adapter the llama-server had loaded, in its id order. */
  readonly scales: readonly number[];
}

export interface VllmOnLlamaServer {
  readonly chat: (
    model: string,
    body: Record<string, unknown>,
    loaded: ReadonlyMap<string, string>,
  ) => Promise<{ status: number; body: unknown }>;
  readonly forwarded: ForwardedRequest[];
  /** How many times a llama-server was started. */
  starts(): number;
  close(): Promise<void>;
}

export function vllmOnLlamaServer(options: VllmOnLlamaServerOptions): VllmOnLlamaServer {
  const forwarded: ForwardedRequest[] = [];
  let current: { signature: string; names: string[]; paths: string[]; server: LlamaServer } | undefined;
  let starts = 0;
  let queue: Promise<unknown> = Promise.resolve();

  /** The server for this set of adapters: the running one, or a new one after converting every adapter. */
  const serverFor = (loaded: ReadonlyMap<string, string>): Promise<NonNullable<typeof current>> => {
    const names = [...loaded.keys()].sort();
    const paths = names.map((name) => loaded.get(name) as string);
    const signature = JSON.stringify(
      names.map((name, index) => [
        name,
        paths[index],
        statSync(path.join(paths[index] as string, 'adapter_model.safetensors')).mtimeMs,
      ]),
    );
    const next = queue.then(async () => {
      if (current?.signature === signature) return current;
      await current?.server.stop();
      current = undefined;
      starts += 1;
      const loras: string[] = [];
      await mkdir(options.directory, { recursive: true });
      for (const [index, name] of names.entries()) {
        const outPath = path.join(options.directory, `start-${starts}-${name}.gguf`);
        await convertPeftToGguf({ peftDirectory: paths[index] as string, basePath: options.baseGguf, outPath });
        loras.push(outPath);
      }
      const parallel = options.parallel ?? 2;
      const server = await startLlamaServer({
        modelPath: options.baseGguf,
        binary: options.binary,
        threads: 1,
        parallel,
        ctxSize: 2048 * parallel,
        loras,
      });
      current = { signature, names, paths, server };
      return current;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    forwarded,
    starts: () => starts,
    async chat(model, body, loaded) {
      const { names, paths, server } = await serverFor(loaded);
      const chosen = names.indexOf(model); // -1: the base model
      const scales = names.map((_, index) => (index === chosen ? 1 : 0));
      const response = await fetch(`${server.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...body,
          model: server.model,
          lora: scales.map((scale, id) => ({ id, scale })),
        }),
      });
      const answer = (await response.json()) as Record<string, unknown>;
      forwarded.push({ model, adapter: chosen < 0 ? undefined : paths[chosen], scales });
      // vLLM answers with the name asked for.
      return { status: response.status, body: response.ok ? { ...answer, model } : answer };
    },
    async close() {
      await queue;
      await current?.server.stop();
    },
  };
}
