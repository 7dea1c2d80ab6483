/**
 * Every core: debate throughput with k llama.cpp contexts (one reply each, `--threads` threads each) against
 * one context, in one process, on the shipped base model — and the physical limit, k × one context's
 * throughput. Also checks that every reply is the same text at k contexts as at 1 (bit-exact per seed).
 *   npm run bench:every-core -- [--problems 16] [--contexts <cores>] [--threads 1] [--repeats 2]
 * Runs alternate (1, k, 1, k, …) so drift in the machine's load hits both sides alike. Say next to any figure
 * whether the machine was idle: single-threaded contexts share cores with whatever else runs.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLlamaCppEngine } from '../src/backends/llama-cpp/index.js';
import { debateProblem, type DebateAgent } from '../src/debate/debate-problem.js';
import { defaultPromptTemplates } from '../src/debate/prompts.js';
import type { ChatModel } from '../src/spec/chat-model.js';
import { loadSplit } from '../src/tasks/load-splits.js';

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const threads = flag('threads', 1);
const contexts = flag('contexts', Math.max(2, Math.floor(os.availableParallelism() / threads)));
const problemsCount = flag('problems', 16);
const repeats = flag('repeats', 2);
const problemConcurrency = 4; // the run config's default: 4 problems × 3 agents ask at once
const modelPath = fileURLToPath(new URL('../models/arithmetic-base.gguf', import.meta.url));
const problems = await loadSplit('arithmetic', { max: 9 }, 'eval', { finetuneCount: 0, evalCount: problemsCount });

interface Measured {
  seconds: number;
  tokens: number;
  /** Every reply's text, keyed by (problem, round, agent). */
  replies: Map<string, string>;
  contextsOpened: number;
}

async function debateAll(k: number): Promise<Measured> {
  const engine = await createLlamaCppEngine({ threads, contexts: k, logLevel: 'error' });
  const model = await engine.chatModel({ model: modelPath });
  const summarizer: ChatModel = model;
  const agents: DebateAgent[] = [0, 1, 2].map(() => ({ generator: model, critic: model }));
  const replies = new Map<string, string>();
  let tokens = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < problems.length) {
      const problem = problems[next++]!;
      const transcript = await debateProblem(problem, agents, {
        rounds: 2,
        maxOthers: 2,
        summarize: true,
        summarizer,
        seed: 0,
        answerType: 'numeric',
        extraction: {},
        sampling: { temperature: 1, topP: 0.9, maxTokens: 256 },
        templates: defaultPromptTemplates('numeric'),
      });
      for (const agent of transcript.agents) {
        agent.turns.forEach((turn, round) => {
          replies.set(`${problem.id}/${round}/${agent.agent}`, turn.response.text);
          tokens += turn.response.usage.completionTokens;
        });
      }
    }
  };
  await Promise.all(Array.from({ length: problemConcurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const contextsOpened = engine.stats().liveContexts > 0 ? k : 0;
  await model.dispose();
  await engine.dispose();
  return { seconds, tokens, replies, contextsOpened };
}

const one: Measured[] = [];
const many: Measured[] = [];
for (let repeat = 0; repeat < repeats; repeat++) {
  one.push(await debateAll(1));
  many.push(await debateAll(contexts));
}
const rate = (runs: Measured[]) =>
  runs.reduce((sum, run) => sum + run.tokens, 0) / runs.reduce((sum, run) => sum + run.seconds, 0);
const sameText = [...one, ...many].every(
  (run) =>
    run.replies.size === one[0]!.replies.size &&
    [...run.replies].every(([key, text]) => one[0]!.replies.get(key) === text),
);
const oneRate = rate(one);
const manyRate = rate(many);
const load = os.loadavg().map((value) => value.toFixed(2));
console.log(
  `every core: ${problemsCount} problems × 3 agents × 2 rounds + summaries (shipped model), ${problemConcurrency} problems at once, ` +
    `${threads} thread(s) per context, ${os.availableParallelism()} cores, node ${process.version}, load average ${load.join(' ')}`,
);
const seconds = (runs: Measured[]) => runs.map((run) => `${run.seconds.toFixed(1)} s`).join(', ');
console.log(`1 context:    ${one[0]!.tokens} tokens per run, ${seconds(one)} = ${oneRate.toFixed(0)} generated tok/s`);
console.log(
  `${contexts} contexts:   ${many[0]!.tokens} tokens per run, ${seconds(many)} = ${manyRate.toFixed(0)} generated tok/s`,
);
console.log(
  `ratio ${contexts} contexts / 1: ${(manyRate / oneRate).toFixed(2)}× (physical limit ${contexts}× = ${(contexts * oneRate).toFixed(0)} tok/s; ` +
    `${((100 * manyRate) / (contexts * oneRate)).toFixed(0)}% of it)`,
);
console.log(`same reply text at ${contexts} contexts as at 1, every call: ${sameText ? 'yes' : 'NO'}`);
