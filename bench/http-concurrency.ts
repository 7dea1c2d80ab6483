/**
 * What bounded concurrency buys against an HTTP server: N requests to a loopback OpenAI-compatible server that
 * answers each after a fixed delay, sent one at a time (the released code's loop: one request, wait, the next)
 * and then through the backend with a concurrency limit C. Ideal speed-up is C; the target is ≥ 0.8 × C.
 *   npm run bench:http [-- --requests 100] [-- --delay 300] [-- --concurrency 8]
 */
import { createOpenAiCompatibleModel } from '../src/backends/openai-compatible/index.js';
import type { ChatModel } from '../src/spec/chat-model.js';
import { startFaultServer } from '../test/helpers/fault-server.js';

const flag = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = Number(index >= 0 ? process.argv[index + 1] : fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} expects a positive integer`);
  return value;
};
/** Requests per run. */
const requests = flag('requests', 100);
/** The server's answer time per request, in milliseconds (a short generation on a real server). */
const delayMs = flag('delay', 300);
/** The backend's concurrency limit. */
const concurrency = flag('concurrency', 8);

const question = (index: number) => ({
  messages: [{ role: 'user' as const, content: `problem ${index}` }],
  temperature: 1,
  seed: index,
});

async function timed(run: (model: ChatModel) => Promise<string[]>): Promise<{ seconds: number; maxInFlight: number }> {
  // A server per run, so each run's in-flight count is its own.
  const server = await startFaultServer({ fallback: { kind: 'reply', delayMs } });
  const model = createOpenAiCompatibleModel({ baseURL: server.baseURL, model: 'bench', concurrency, env: {} });
  try {
    const started = performance.now();
    const answers = await run(model);
    const seconds = (performance.now() - started) / 1000;
    const wrong = answers.filter((answer, index) => answer !== `echo: problem ${index}`).length;
    if (wrong > 0) throw new Error(`${wrong} answers did not match their requests`);
    return { seconds, maxInFlight: server.maxInFlight };
  } finally {
    await server.close();
  }
}

const oneAtATime = await timed(async (model) => {
  const answers: string[] = [];
  for (let index = 0; index < requests; index++) answers.push((await model.complete(question(index))).text);
  return answers;
});
const bounded = await timed(async (model) =>
  (await Promise.all(Array.from({ length: requests }, (_, index) => model.complete(question(index))))).map(
    (answer) => answer.text,
  ),
);

const speedUp = oneAtATime.seconds / bounded.seconds;
const ideal = Math.ceil(requests / concurrency);
console.log(`${requests} requests, server answers after ${delayMs} ms, concurrency limit C = ${concurrency}`);
console.log(`one at a time:        ${oneAtATime.seconds.toFixed(2)} s (most in flight: ${oneAtATime.maxInFlight})`);
console.log(
  `backend, limit C:     ${bounded.seconds.toFixed(2)} s (most in flight: ${bounded.maxInFlight}; ideal ${((ideal * delayMs) / 1000).toFixed(2)} s)`,
);
console.log(
  `speed-up:             ${speedUp.toFixed(2)}× = ${(speedUp / concurrency).toFixed(2)} × C (target ≥ 0.80 × C)`,
);
