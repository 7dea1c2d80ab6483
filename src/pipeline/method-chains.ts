/**
 * The finetuning methods' chains of `maft run`, run side by side. After the base stages, each method's iterations
 * depend only on the same method's earlier ones (its data comes from its own iteration k − 1 society, run-plan.ts
 * `dataSourceStage`; its models continue its own adapters, model-registry.ts `startingModel`), so one chain per
 * method can run at once: while single-agent FT trains its one model, multiagent FT's chain debates. Nothing a
 * stage computes depends on what runs beside it (every reply carries its own seed and is decoded alone; a training
 * job is the same plan whenever it runs), so the run directory ends the same as with the chains one after another.
 *
 * A failure in one chain stops the others at their next stage boundary: the stage each is running finishes and is
 * recorded (never a job or stage half-written), none starts after it, then the error is thrown — the first chain's
 * in chain order (the config's method order) among those that failed, whatever the timing. A resume redoes what
 * is not done, as after any stop.
 */

import type { RunConfig } from '../config/run-config.js';

/** One stage of a chain (a stage function of stages.ts, bound to its method and iteration). */
export type ChainStep = () => Promise<void>;

/** Run every chain's steps in order, the chains at once. Resolves when all are done; see above for failures. */
export async function runChainsSideBySide(chains: readonly (readonly ChainStep[])[]): Promise<void> {
  let stopped = false;
  const runChain = async (steps: readonly ChainStep[]): Promise<void> => {
    for (const step of steps) {
      if (stopped) return;
      try {
        await step();
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(chains.map(runChain));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/**
 * Whether `maft run` runs the methods' chains side by side: `methodChains` when given; otherwise yes when every
 * worker on this machine is single-threaded — the embedded engine's or managed llama-server's decode threads
 * (backend.threads) and the embedded trainer's (trainer.threads, default backend.threads). A 1-thread ggml graph
 * runs on its calling thread with no worker to spin, so more such workers than cores just share the cores and the
 * total throughput stays the cores' (docs/trainers.md, "Jobs and threads"); spinning multi-threaded workers
 * collapse when the cores are oversubscribed, so then one stage at a time. Hosted APIs and remote servers do
 * their work elsewhere: side by side.
 */
export function chainsSideBySide(config: RunConfig): boolean {
  if (config.methodChains !== undefined) return config.methodChains === 'parallel';
  const { backend, trainer } = config;
  const decodeThreads = backend.kind === 'openai' ? 1 : backend.threads;
  const trainThreads = trainer.kind === 'embedded' ? (trainer.threads ?? decodeThreads) : 1;
  return decodeThreads <= 1 && trainThreads <= 1;
}
