/**
 * Every core: debate throughput with k llama.cpp contexts (one reply each, `--threads` threads each) and p
 * problems at once, against 1 context, in one process, on the shipped base model — and cores × the 1-context rate,
 * the limit of one context a core (more contexts than cores pass it by decoding while another waits between tokens).
 * Also checks that every reply is the same text in every setting (bit-exact per seed).
 *   npm run bench:every-core -- [--problems 48] [--settings 1@4,2@4,4@4,4@16] [--threads 1] [--repeats 2]
 * A setting `k@p` is k contexts and p problems at once; the first is the baseline (1 context, the run config's
 * old 4 problems) and the default settings also hold the old default (one context a core, 4 problems) and the new
 * one (two contexts a core, 16 problems). Settings alternate within each repeat so that drift in the machine's load
 * hits all alike. Each context's decode runs on libuv's thread pool: the bench re-runs itself with
 * UV_THREADPOOL_SIZE = the largest k + 2 when the pool would be smaller (the pool is sized when it starts, before
 * any of this module runs). Say next to any figure whether the machine was idle: single-threaded contexts share
 * cores with whatever else runs.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLlamaCppEngine } from '../src/backends/llama-cpp/index.js';
import { debateProblem, type DebateAgent } from '../src/debate/debate-problem.js';
import { defaultPromptTemplates } from '../src/debate/prompts.js';
import type { ChatModel } from '../src/spec/chat-model.js';
import { loadSplit } from '../src/tasks/load-splits.js';

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const threads = Number(option('threads') ?? 1);
const cores = os.availableParallelism();
const perCore = Math.max(1, Math.floor(cores / threads));
const settings = (option('settings') ?? `1@4,${perCore}@4,${2 * perCore}@4,${2 * perCore}@16`)
  .split(',')
  .map((text) => {
    const [k, p] = text.split('@').map(Number);
    if (!Number.isInteger(k) || !Number.isInteger(p) || k! < 1 || p! < 1) throw new Error(`bad setting ${text}: k@p`);
    return { contexts: k!, problemsAtOnce: p! };
  });
const problemsCount = Number(option('problems') ?? 48);
const repeats = Number(option('repeats') ?? 2);

const poolNeeded = Math.max(...settings.map((setting) => setting.contexts * threads)) + 2;
if (Number(process.env.UV_THREADPOOL_SIZE ?? 4) < poolNeeded) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UV_THREADPOOL_SIZE: String(poolNeeded) },
  });
  process.exit(child.status ?? 1);
}

const modelPath = fileURLToPath(new URL('../models/arithmetic-base.gguf', import.meta.url));
const problems = await loadSplit('arithmetic', { max: 9 }, 'eval', { finetuneCount: 0, evalCount: problemsCount });

interface Measured {
  seconds: number;
  tokens: number;
  /** Every reply's text, keyed by (problem, round, agent). */
  replies: Map<string, string>;
}

async function debateAll(contexts: number, problemsAtOnce: number): Promise<Measured> {
  const engine = await createLlamaCppEngine({ threads, contexts, logLevel: 'error' });
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
  await Promise.all(Array.from({ length: problemsAtOnce }, worker));
  const seconds = (performance.now() - started) / 1000;
  await model.dispose();
  await engine.dispose();
  return { seconds, tokens, replies };
}

const measured = settings.map(() => [] as Measured[]);
const loadBefore = os.loadavg()[0]!;
for (let repeat = 0; repeat < repeats; repeat++) {
  for (const [index, setting] of settings.entries()) {
    measured[index]!.push(await debateAll(setting.contexts, setting.problemsAtOnce));
  }
}
const rate = (runs: Measured[]) =>
  runs.reduce((sum, run) => sum + run.tokens, 0) / runs.reduce((sum, run) => sum + run.seconds, 0);
const reference = measured[0]![0]!;
const sameText = measured
  .flat()
  .every(
    (run) =>
      run.replies.size === reference.replies.size &&
      [...run.replies].every(([key, text]) => reference.replies.get(key) === text),
  );
const baseRate = rate(measured[0]!);
const load = os.loadavg().map((value) => value.toFixed(2));
console.log(
  `every core: ${problemsCount} problems × 3 agents × 2 rounds + summaries (shipped model), ${threads} thread(s) per context, ` +
    `${cores} cores, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE}, node ${process.version}, ` +
    `load average ${loadBefore.toFixed(2)} before, ${load.join(' ')} after`,
);
// The limit of one context a core: each core as busy as one context keeps it. A context that waits between its
// tokens leaves its core idle meanwhile, so more contexts than cores can pass it.
const limit = settings[0]!.contexts === 1 ? cores * baseRate : undefined;
if (limit !== undefined) console.log(`${cores} cores × the 1-context rate = ${limit.toFixed(0)} tok/s ("the limit")`);
for (const [index, setting] of settings.entries()) {
  const runs = measured[index]!;
  const perSecond = rate(runs);
  console.log(
    `${String(setting.contexts).padStart(2)} context(s), ${String(setting.problemsAtOnce).padStart(2)} problems at once: ` +
      `${runs[0]!.tokens} tokens per run, ${runs.map((run) => `${run.seconds.toFixed(1)} s`).join(', ')} = ` +
      `${perSecond.toFixed(0)} tok/s, ${(perSecond / baseRate).toFixed(2)}× the first setting` +
      (limit === undefined ? '' : `, ${((100 * perSecond) / limit).toFixed(0)}% of the limit`),
  );
}
if (option('settings') === undefined) {
  const ratio = rate(measured[3]!) / rate(measured[1]!);
  console.log(
    `maft's default (${2 * perCore} contexts, 16 problems at once) / its default before (${perCore} contexts, 4 problems): ${ratio.toFixed(2)}×`,
  );
}
console.log(`same reply text in every setting, every call: ${sameText ? 'yes' : 'NO'}`);
