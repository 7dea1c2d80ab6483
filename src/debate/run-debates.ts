import type { DebateTranscript } from '../spec/debate.js';
import type { Problem } from '../spec/problem.js';
import type { JsonlLog } from '../run-store/jsonl-log.js';
import { debateProblem, type DebateAgent, type DebateSettings } from './debate-problem.js';

export interface DebateProgress {
  done: number;
  total: number;
  /** Problems found already finished in the log when the stage started (resumed). */
  resumed: number;
  completionTokens: number;
  elapsedMs: number;
}

export interface RunDebatesOptions {
  /** Problems debated at once. */
  concurrency: number;
  onProgress?: (progress: DebateProgress) => void;
}

/**
 * Debate every problem not yet in `log`, `concurrency` at a time, appending each transcript the moment it is
 * finished (one atomic line). Resuming is just calling this again: finished problems are skipped, an
 * interrupted one is debated again from its start (its finished model calls come back from the request cache).
 * Transcripts are appended in completion order; readers key them by problem id.
 */
export async function runDebates(
  problems: readonly Problem[],
  agents: readonly DebateAgent[],
  settings: DebateSettings,
  log: JsonlLog<DebateTranscript>,
  options: RunDebatesOptions,
): Promise<DebateTranscript[]> {
  const pending = problems.filter((problem) => !log.has(problem.id));
  const resumed = problems.length - pending.length;
  const started = performance.now();
  let done = resumed;
  let completionTokens = 0;
  let next = 0;
  const report = () =>
    options.onProgress?.({
      done,
      total: problems.length,
      resumed,
      completionTokens,
      elapsedMs: performance.now() - started,
    });
  report();
  let failed = false; // after one failure, workers finish (and keep) their current problem but take no new one
  const worker = async () => {
    while (next < pending.length && !failed) {
      const problem = pending[next++] as Problem;
      let transcript: DebateTranscript;
      try {
        transcript = await debateProblem(problem, agents, settings);
      } catch (error) {
        failed = true;
        throw error;
      }
      log.append(transcript);
      done++;
      for (const agent of transcript.agents) {
        for (const turn of agent.turns) completionTokens += turn.response.usage.completionTokens;
      }
      report();
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(options.concurrency, pending.length) }, worker),
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return problems.map((problem) => log.get(problem.id) as DebateTranscript);
}
