/**
 * Teacher-forced next-token distributions of a given reply (the diversity measures' input): the conversation
 * is rendered with the model's chat template up to the assistant's turn, the reply's text is tokenized, and one
 * `controlledEvaluate` pass returns the raw logits of the whole vocabulary after the prompt's last token and
 * after each reply token but the last. Log-probabilities are the logits' log-softmax, computed here (node-llama-cpp
 * returns raw logits when no sampling option is passed; passing one, e.g. a temperature, would truncate them).
 * Cost: one forward pass of prompt + reply, and vocabulary-sized rows for each reply token.
 */
import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';
import type { ChatMessage, ReplyDistributions } from '../../spec/chat-model.js';
import { toChatHistory } from './request-mapping.js';
import type { SequencePool } from './sequence-pool.js';

export async function replyDistributions(
  id: string,
  model: LlamaModel,
  chatWrapper: ChatWrapper,
  pool: SequencePool,
  messages: readonly ChatMessage[],
  reply: string,
): Promise<ReplyDistributions> {
  const history: ChatHistoryItem[] = [...toChatHistory(messages), { type: 'model', response: [] }];
  const { contextText } = chatWrapper.generateContextState({ chatHistory: history });
  const prompt = contextText.tokenize(model.tokenizer);
  // The reply as its text tokenizes, which may differ from the tokens it was sampled as (a few more or fewer):
  // whatever of it does not fit the context is not read (the measures are means per token read).
  const tokens = (model.tokenize(reply) as Token[]).slice(0, Math.max(0, pool.contextSize - prompt.length));
  if (tokens.length === 0 || prompt.length === 0) return { tokens: [], logProbs: [] };
  const scored = [prompt[prompt.length - 1]!, ...tokens.slice(0, -1)];
  const input = [
    ...prompt.slice(0, -1),
    ...scored.map(
      (token) => [token, { generateNext: { logits: true } }] as [Token, { generateNext: { logits: true } }],
    ),
  ];
  const outputs = await pool.withSequence((sequence) => sequence.controlledEvaluate(input));
  const logProbs = outputs.slice(prompt.length - 1).map((output) => {
    const logits = output?.next.logits;
    if (logits === undefined) throw new MaftError('INTERNAL', `${id}: llama.cpp returned no logits`);
    return logSoftmax(logits);
  });
  return { tokens: tokens.map(Number), logProbs };
}

/** A row indexed by token id: log-softmax of the logits (tokens absent from the map: −∞). */
function logSoftmax(logits: Map<Token, number>): Float64Array {
  let size = 0;
  let max = -Infinity;
  for (const [token, logit] of logits) {
    size = Math.max(size, Number(token) + 1);
    if (logit > max) max = logit;
  }
  let sum = 0;
  for (const logit of logits.values()) sum += Math.exp(logit - max);
  const offset = max + Math.log(sum);
  const row = new Float64Array(size).fill(-Infinity);
  for (const [token, logit] of logits) row[Number(token)] = logit - offset;
  return row;
}
