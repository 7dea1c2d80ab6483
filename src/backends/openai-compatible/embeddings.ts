/**
 * An Embedder on any OpenAI-compatible `/v1/embeddings` (OpenAI, vLLM, llama-server started with --embeddings,
 * text-embeddings-inference): one request per call, the key read from the named environment variable only.
 */
import OpenAI from 'openai';
import { MaftError } from '../../errors/maft-error.js';
import type { Embedder } from '../../spec/chat-model.js';

export interface OpenAiEmbedderOptions {
  baseURL: string;
  model: string;
  /** Name of the environment variable holding the key. Default OPENAI_API_KEY. */
  apiKeyEnv?: string;
  timeoutMs?: number;
}

export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: process.env[options.apiKeyEnv ?? 'OPENAI_API_KEY'] ?? 'no-key',
    organization: null,
    project: null,
    maxRetries: 2,
    timeout: options.timeoutMs ?? 60_000,
    logLevel: 'off',
  });
  return {
    id: `openai:${options.baseURL}#${options.model}`,
    async embed(texts) {
      if (texts.length === 0) return [];
      let response;
      try {
        response = await client.embeddings.create({ model: options.model, input: [...texts] });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new MaftError('ENDPOINT_UNREACHABLE', `embeddings from ${options.baseURL} failed: ${reason}`, {
          field: 'diversity.embeddingUrl',
        });
      }
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (vectors.length !== texts.length) {
        throw new MaftError(
          'INPUT_INVALID',
          `${options.baseURL} returned ${vectors.length} embeddings for ${texts.length} texts`,
          {
            field: 'diversity.embeddingUrl',
          },
        );
      }
      return vectors;
    },
  };
}
