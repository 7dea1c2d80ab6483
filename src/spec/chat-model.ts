/**
 * The model interface every backend implements (shaped after the Vercel AI SDK's LanguageModel): one
 * method that takes flat options and returns the text with why it stopped and what it cost. Settings a
 * backend cannot honour become warnings, never crashes.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface SamplingOptions {
  /** Sampling temperature; the paper uses 1. */
  temperature?: number;
  /** Nucleus sampling mass; the paper uses 0.9. */
  topP?: number;
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  /** Sampling seed; with the same seed (and parallelism) a backend that supports seeds reproduces its text. */
  seed?: number;
}

export interface ChatRequest extends SamplingOptions {
  messages: ChatMessage[];
  signal?: AbortSignal;
  /** Backend-specific settings, each backend reading only its own namespace (e.g. `{openai: {top_k: 40}}`). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/** `length` = cut by maxTokens or the context (a truncated answer); `stop` = ended by itself. */
export type FinishReason = 'stop' | 'length' | 'other';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResponse {
  /** The answer text, with any `<think>` segment removed (kept in `thoughts`). */
  text: string;
  thoughts?: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** The model that answered, as the backend names it (file path, served name, adapter name). */
  modelId: string;
  /** Wall time of the request, retries included. */
  durationMs: number;
  warnings: string[];
}

export interface ChatModel {
  /** A stable identifier: part of every cache key and record. */
  readonly id: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/**
 * A reply read back under a model (teacher forcing), for the diversity measures (docs/diversity.md): at each of
 * the reply's tokens, the model's whole next-token distribution given the conversation so far.
 */
export interface ReplyDistributions {
  /** The reply's tokens as the model's tokenizer reads its text. */
  tokens: number[];
  /** logProbs[t][v]: log p(token v | messages, tokens[0..t−1]); each row covers the whole vocabulary. */
  logProbs: Float64Array[];
}

/** A model that can score given replies (the embedded engine; an HTTP server cannot give whole distributions). */
export interface ReplyScorer {
  readonly id: string;
  distributions(messages: readonly ChatMessage[], reply: string): Promise<ReplyDistributions>;
}

/** Turns texts into vectors (a GGUF embedding model, or an OpenAI-compatible /v1/embeddings). */
export interface Embedder {
  /** What made the vectors: recorded with every measure so numbers from different embedders are not mixed. */
  readonly id: string;
  embed(texts: readonly string[]): Promise<number[][]>;
}
