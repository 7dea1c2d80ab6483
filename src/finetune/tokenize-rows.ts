import { getLlama, LlamaLogLevel, resolveChatWrapper, type Llama } from 'node-llama-cpp';
import { toChatHistory } from '../backends/llama-cpp/request-mapping.js';
import { MaftError } from '../errors/maft-error.js';
import type { ChatMessage } from '../spec/chat-model.js';

/** A row to learn: the conversation so far (context) and the assistant reply the loss belongs to. */
export interface ChatRow {
  prompt: readonly ChatMessage[];
  completion: ChatMessage;
}

/** Token ids with, per token, whether predicting it carries loss (the completion and its end-of-turn token). */
export interface TokenizedRow {
  tokens: number[];
  completion: boolean[];
}

/**
 * Tokenize rows exactly as inference will see them: the prompt rendered by the model's own chat template with
 * the assistant turn opened (what node-llama-cpp feeds the model before it generates), then the completion's
 * tokens and the end-of-turn token the model must learn to emit. The completion is tokenized on its own, as
 * generation produces it token by token after the prompt — never merged across the boundary. Training and
 * inference therefore share one template (the released code trained with vicuna and served with the model's
 * own: docs/method.md lists that as a bug).
 */
/**
 * The tokenizer's llama.cpp runtime: one per process, started on first use and never disposed here. Every
 * node-llama-cpp runtime of a process shares one native addon, and disposing any of them frees llama.cpp's
 * backend (llama_backend_free) under every other: with method chains side by side (pipeline/method-chains.ts)
 * one chain tokenizes its training rows while another decodes, so a per-call dispose would free the backend
 * under a running debate. node-llama-cpp disposes it itself before the process exits; it holds no thread.
 */
let tokenizerRuntime: Promise<Llama> | undefined;

function sharedTokenizerRuntime(): Promise<Llama> {
  if (tokenizerRuntime !== undefined) return tokenizerRuntime;
  const starting = getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  tokenizerRuntime = starting;
  // A failed start is not kept: the next call tries again.
  starting.catch(() => {
    if (tokenizerRuntime === starting) tokenizerRuntime = undefined;
  });
  return starting;
}

export async function tokenizeRows(modelPath: string, rows: readonly ChatRow[]): Promise<TokenizedRow[]> {
  const llama = await sharedTokenizerRuntime();
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const wrapper = resolveChatWrapper(model);
    const endOfTurn = model.tokens.eot ?? model.tokens.eos;
    if (endOfTurn === null)
      throw new MaftError('INPUT_INVALID', 'the model has no end-of-turn or end-of-sequence token', {
        file: modelPath,
      });
    return rows.map((row) => {
      const history = toChatHistory(row.prompt); // ends with the open assistant turn
      const prompt = wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
      const completion = model.tokenize(row.completion.content, false);
      const tokens = [...prompt, ...completion, endOfTurn];
      return { tokens, completion: tokens.map((_, index) => index >= prompt.length) };
    });
  } finally {
    await model.dispose(); // the vocabulary only: no context, no backend
  }
}
