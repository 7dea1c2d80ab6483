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
