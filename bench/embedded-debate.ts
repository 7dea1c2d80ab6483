/**
 * Embedded debate throughput versus node-llama-cpp's raw generation of the same tokens (issue target ≥ 0.95).
 * A 3-agent × 2-round debate with summaries over 20 arithmetic problems runs through maft's debate engine and
 * embedded backend; every request it made is then replayed straight through node-llama-cpp (`LlamaChat`,
 * same model file, threads, prompts, seeds and token counts). Both sides run in this one process, one after
 * the other, so the ratio compares like with like.
 *   npm run bench:embedded -- [--problems 20] [--max-tokens 48] [--threads 1]
 */
import path from 'node:path';
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper } from 'node-llama-cpp';
import { createLlamaCppEngine } from '../src/backends/llama-cpp/index.js';
import { toChatHistory } from '../src/backends/llama-cpp/request-mapping.js';
import { debateProblem, type DebateAgent } from '../src/debate/debate-problem.js';
import { defaultPromptTemplates } from '../src/debate/prompts.js';
import { createTinyLlamaModel } from '../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../src/gguf/write-gguf.js';
import type { ChatModel, ChatRequest } from '../src/spec/chat-model.js';
import { loadSplit } from '../src/tasks/load-splits.js';
import { scratchDirectory } from './scratch-directory.js';

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const problemsCount = flag('problems', 20);
const maxTokens = flag('max-tokens', 48);
const threads = flag('threads', 1);

const directory = scratchDirectory('embedded-debate');
const modelPath = path.join(directory, 'bench-model.gguf');
// ~3.6M parameters: the shape of the arithmetic base model (notes/llama-cpp.md), random weights.
await writeGgufFile(
  modelPath,
  createTinyLlamaModel({
    embeddingLength: 256,
    blockCount: 4,
    headCount: 4,
    feedForwardLength: 768,
    contextLength: 2048,
    seed: 1,
  }),
);
const problems = await loadSplit('arithmetic', {}, 'eval', { finetuneCount: 0, evalCount: problemsCount });

/** The debate through maft's engine and embedded backend; records every request it made. */
async function maftDebate(): Promise<{
  seconds: number;
  tokens: number;
  requests: { request: ChatRequest; completionTokens: number }[];
}> {
  const engine = await createLlamaCppEngine({ threads, logLevel: 'error' });
  const model = await engine.chatModel({ model: modelPath, contextSize: 2048, sequences: 1 });
  const requests: { request: ChatRequest; completionTokens: number }[] = [];
  const recording: ChatModel = {
    id: model.id,
    complete: async (request) => {
      const response = await model.complete(request);
      requests.push({ request, completionTokens: response.usage.completionTokens });
      return response;
    },
  };
  const agents: DebateAgent[] = [0, 1, 2].map(() => ({ generator: recording, critic: recording }));
  const started = performance.now();
  for (const problem of problems) {
    await debateProblem(problem, agents, {
      rounds: 2,
      maxOthers: 2,
      summarize: true,
      summarizer: recording,
      seed: 0,
      answerType: 'numeric',
      extraction: {},
      sampling: { temperature: 1, topP: 0.9, maxTokens },
      templates: defaultPromptTemplates('numeric'),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await engine.dispose();
  return { seconds, tokens: requests.reduce((sum, entry) => sum + entry.completionTokens, 0), requests };
}

/** The same requests straight through node-llama-cpp, with maft's sampling settings. */
async function rawReplay(
  requests: { request: ChatRequest; completionTokens: number }[],
): Promise<{ seconds: number; tokens: number }> {
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.error });
  const rawModel = await llama.loadModel({ modelPath });
  const context = await rawModel.createContext({ contextSize: 2048, sequences: 1, threads });
  // Resolved once, as any sensible caller would (LlamaChat's default re-detects the template per instance).
  const chatWrapper = resolveChatWrapper(rawModel);
  let tokens = 0;
  const started = performance.now();
  for (const { request, completionTokens } of requests) {
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
    await chat.generateResponse(toChatHistory(request.messages), {
      // maft's sampling: plain temperature + nucleus (node-llama-cpp's defaults would add top-k 40 and a penalty).
      maxTokens: completionTokens,
      temperature: request.temperature ?? 1,
      topP: request.topP ?? 1,
      topK: 0,
      minP: 0,
      seed: request.seed ?? 0,
      repeatPenalty: false,
      budgets: { thoughtTokens: Infinity },
    });
    tokens += sequence.tokenMeter.getState().usedOutputTokens;
    chat.dispose();
    await sequence.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  await context.dispose();
  await rawModel.dispose();
  await llama.dispose();
  return { seconds, tokens };
}

// Interleaved (maft, raw, maft, raw) so that drift in the machine's speed hits both sides alike.
const first = await maftDebate();
const rawFirst = await rawReplay(first.requests);
const second = await maftDebate();
const rawSecond = await rawReplay(first.requests);
const maftRate = (first.tokens + second.tokens) / (first.seconds + second.seconds);
const rawRate = (rawFirst.tokens + rawSecond.tokens) / (rawFirst.seconds + rawSecond.seconds);
console.log(
  `embedded debate: ${problemsCount} problems × 3 agents × 2 rounds + summaries, ${first.requests.length} calls, threads ${threads}, node ${process.version}`,
);
console.log(
  `maft debate:        ${first.tokens} tokens, ${first.seconds.toFixed(2)} s and ${second.seconds.toFixed(2)} s = ${maftRate.toFixed(0)} generated tok/s (prompt processing included)`,
);
console.log(
  `raw node-llama-cpp: ${rawFirst.tokens} tokens, ${rawFirst.seconds.toFixed(2)} s and ${rawSecond.seconds.toFixed(2)} s = ${rawRate.toFixed(0)} generated tok/s (same prompts, seeds, counts)`,
);
console.log(`ratio maft/raw:     ${(maftRate / rawRate).toFixed(3)} (target ≥ 0.95)`);
