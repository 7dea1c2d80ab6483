/**
 * A ChatModel served by an embedded llama.cpp context: each `complete()` renders the messages with the
 * model's chat template, generates one reply on a fresh sequence of the shared context, and reports its
 * tokens and time. Concurrent calls run as parallel sequences of that one context (see sequence-pool.ts).
 *
 * Reproducibility: the same seed gives the same text across calls and processes at the same parallelism.
 * How many sequences decode together changes the batch shape and so float rounding; a reply sampled alone
 * and the same request sampled beside two others may differ.
 */
import { performance } from 'node:perf_hooks';
import { DisposedError, LlamaChat, type ChatHistoryItem, type ChatWrapper, type LlamaModel } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';
import type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ReplyDistributions,
  ReplyScorer,
} from '../../spec/chat-model.js';
import { replyDistributions } from './reply-distributions.js';
import { collectThoughts, resolveGeneration, toChatHistory, toFinishReason } from './request-mapping.js';
import type { SequencePool } from './sequence-pool.js';

/**
 * Tokens kept free beyond the rendered prompt: a chat wrapper may add a few when generation starts (an
 * opened `<think>` segment), and node-llama-cpp needs at least one free cell to avoid a context shift.
 */
const contextMargin = 16;

/** What the benchmark and debugging need beyond a ChatResponse. */
export interface LlamaCppChatResponse extends ChatResponse {
  /** Of `durationMs`, the time spent waiting for a free sequence of the shared context. */
  queueMs: number;
  /**
   * Time from the request's start to the first generated chunk (queueing + prompt evaluation + one token);
   * decode speed ≈ (completionTokens − 1) / (durationMs − firstChunkMs). Undefined when nothing was emitted.
   */
  firstChunkMs?: number;
}

export interface RenderedPrompt {
  /** The prompt as the model sees it: special tokens as their text (`<|im_start|>`), BOS/EOS by name. */
  text: string;
  tokenCount: number;
}

export class LlamaCppChatModel implements ChatModel, ReplyScorer {
  private disposed = false;

  constructor(
    readonly id: string,
    readonly model: LlamaModel,
    readonly chatWrapper: ChatWrapper,
    private readonly pool: SequencePool,
    private readonly releaseResources: () => Promise<void>,
  ) {}

  /** Tokens one request may use, prompt and reply together. */
  get contextSize(): number {
    return this.pool.contextSize;
  }

  /** How many requests run at once; more wait for a free sequence. */
  get sequences(): number {
    return this.pool.sequences;
  }

  /** The prompt `complete(messages)` would evaluate: template applied, no system prompt added. */
  renderPrompt(messages: readonly ChatMessage[]): RenderedPrompt {
    return this.render(toChatHistory(messages));
  }

  async complete(request: ChatRequest): Promise<LlamaCppChatResponse> {
    if (this.disposed) throw new DisposedError();
    const start = performance.now();
    const history = toChatHistory(request.messages);
    const room = this.pool.contextSize - this.render(history).tokenCount - contextMargin;
    if (room < 1) {
      throw new MaftError(
        'INPUT_INVALID',
        `${this.id}: the prompt leaves no room for a reply in a context of ${this.pool.contextSize} tokens per sequence; ` +
          'raise contextSize',
      );
    }
    const { settings, cappedByContext, warnings } = resolveGeneration(request, room);
    const { thoughtTokens, ...sampling } = settings;
    return this.pool.withSequence(async (sequence) => {
      const queueMs = performance.now() - start;
      let firstChunkMs: number | undefined;
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
      try {
        const response = await chat.generateResponse(history, {
          ...sampling,
          budgets: { thoughtTokens },
          repeatPenalty: false,
          onResponseChunk: () => {
            firstChunkMs ??= performance.now() - start;
          },
          ...(request.signal !== undefined ? { signal: request.signal } : {}),
          // maxTokens is capped to the free context, so a shift (silently dropping earlier messages) is a bug.
          contextShift: { strategy: refuseContextShift },
        });
        const finishReason = toFinishReason(response.metadata.stopReason);
        if (finishReason === 'length' && cappedByContext) {
          warnings.push(
            `the reply filled the context (${this.pool.contextSize} tokens per sequence); raise contextSize`,
          );
        }
        // Every sampled token costs one logits row, metered as output, the prompt's last token included; the
        // final sampled token is never evaluated. So the prompt is input + 1 and the reply is output.
        const meter = sequence.tokenMeter.getState();
        const thoughts = collectThoughts(response.fullResponse);
        return {
          text: response.response,
          ...(thoughts !== undefined ? { thoughts } : {}),
          finishReason,
          usage: { promptTokens: meter.usedInputTokens + 1, completionTokens: meter.usedOutputTokens },
          modelId: this.id,
          durationMs: performance.now() - start,
          queueMs,
          ...(firstChunkMs !== undefined ? { firstChunkMs } : {}),
          warnings,
        };
      } finally {
        chat.dispose();
      }
    }, request.signal);
  }

  /** Teacher-forced next-token distributions of `reply` after `messages` (reply-distributions.ts). */
  distributions(messages: readonly ChatMessage[], reply: string): Promise<ReplyDistributions> {
    if (this.disposed) throw new DisposedError();
    return replyDistributions(this.id, this.model, this.chatWrapper, this.pool, messages, reply);
  }

  /** Release this model's share of the loaded model and context; the last user frees them. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.releaseResources();
  }

  private render(history: ChatHistoryItem[]): RenderedPrompt {
    const { contextText } = this.chatWrapper.generateContextState({ chatHistory: history });
    return { text: contextText.toString(), tokenCount: contextText.tokenize(this.model.tokenizer).length };
  }
}

function refuseContextShift(): never {
  throw new MaftError(
    'INTERNAL',
    'llama.cpp context shift requested although the reply was capped to the free context',
  );
}
