/**
 * A whole debate over HTTP: 100 problems, 3 agents × 2 rounds with summaries (9 calls a problem), against a
 * loopback OpenAI-compatible server that answers each request after 300 ms. The released code's loop (one
 * request at a time: agent after agent, problem after problem) against maft (problems in flight at once,
 * the endpoint's concurrency limit C). Ideal speed-up is C; the target is ≥ 0.8 × C.
 *   npm run bench:http-debate -- [--problems 100] [--delay 300] [--concurrency 8]
 */
import path from 'node:path';
import { createOpenAiCompatibleModel } from '../src/backends/openai-compatible/index.js';
import type { DebateAgent, DebateSettings } from '../src/debate/debate-problem.js';
import { defaultPromptTemplates } from '../src/debate/prompts.js';
import { runDebates } from '../src/debate/run-debates.js';
import { JsonlLog } from '../src/run-store/jsonl-log.js';
import type { DebateTranscript } from '../src/spec/debate.js';
import { loadSplit } from '../src/tasks/load-splits.js';
import { startFaultServer } from '../test/helpers/fault-server.js';
import { scratchDirectory } from './scratch-directory.js';

const flag = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return Number(index >= 0 ? process.argv[index + 1] : fallback);
};
const problemCount = flag('problems', 100);
const delayMs = flag('delay', 300);
const concurrency = flag('concurrency', 8);

const problems = await loadSplit('arithmetic', {}, 'eval', { finetuneCount: 0, evalCount: problemCount });
const directory = scratchDirectory('http-debate');

/** One debate of every problem; `limit` is both the endpoint's concurrency and the problems in flight. */
async function debate(label: string, limit: number): Promise<{ seconds: number; calls: number; maxInFlight: number }> {
  const server = await startFaultServer({ fallback: { kind: 'reply', delayMs, content: 'I get \\boxed{7}.' } });
  const model = createOpenAiCompatibleModel({ baseURL: server.baseURL, model: 'bench', concurrency: limit, env: {} });
  const agents: DebateAgent[] = [0, 1, 2].map(() => ({ generator: model, critic: model }));
  const settings: DebateSettings = {
    rounds: 2,
    maxOthers: 2,
    summarize: true,
    summarizer: model,
    seed: 0,
    answerType: 'numeric',
    extraction: {},
    sampling: { temperature: 1, topP: 0.9, maxTokens: 64 },
    templates: defaultPromptTemplates('numeric'),
  };
  const log = JsonlLog.open<DebateTranscript>(path.join(directory, `${label}.jsonl`), {
    keyOf: (record) => record.problemId,
  });
  try {
    const started = performance.now();
    await runDebates(problems, agents, settings, log, { concurrency: limit });
    return {
      seconds: (performance.now() - started) / 1000,
      calls: server.requests.length,
      maxInFlight: server.maxInFlight,
    };
  } finally {
    log.close();
    await server.close();
  }
}

const serial = await debate('serial', 1);
const parallel = await debate('parallel', concurrency);
const speedUp = serial.seconds / parallel.seconds;
console.log(
  `HTTP debate: ${problemCount} problems × (3 agents × 2 rounds + 3 summaries), server answers after ${delayMs} ms`,
);
console.log(
  `one request at a time (released code): ${serial.seconds.toFixed(1)} s, ${serial.calls} calls, most in flight ${serial.maxInFlight}`,
);
console.log(
  `maft, concurrency C = ${concurrency}:           ${parallel.seconds.toFixed(1)} s, ${parallel.calls} calls, most in flight ${parallel.maxInFlight}`,
);
console.log(`speed-up: ${speedUp.toFixed(2)}× = ${(speedUp / concurrency).toFixed(2)} × C (target ≥ 0.80 × C)`);
