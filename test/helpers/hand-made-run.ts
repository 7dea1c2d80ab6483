/**
 * A run directory made by hand, as `maft debate --split finetune` leaves it: the resolved run config (the one
 * schema every command reads) and the base society's finetune-split records, marked done — so the stage
 * commands after it can be tested on known transcripts.
 */
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { openRun } from '../../src/run-store/open-run.js';
import { baseFinetuneStage } from '../../src/run-store/run-plan.js';
import type { DebateTranscript } from '../../src/spec/debate.js';

const resolve = (config: Record<string, unknown>) =>
  resolveRunConfig({ task: { name: 'arithmetic', options: { max: 9 } }, ...config }, 'test config');

/**
 * The transcripts as debates of this run's finetune problems (the i-th transcript on the i-th problem, its id
 * and question): a run refuses records of problems it does not have (record-producer.ts).
 */
export async function onRunProblems(
  config: Record<string, unknown>,
  transcripts: readonly DebateTranscript[],
): Promise<DebateTranscript[]> {
  const { finetuneProblems } = await resolve(config);
  return transcripts.map((transcript, index) => {
    const problem = finetuneProblems[index];
    if (problem === undefined)
      throw new Error(`${transcripts.length} transcripts for ${finetuneProblems.length} finetune problems`);
    return { ...transcript, problemId: problem.id, question: problem.question };
  });
}

export async function handMadeRun(
  run: string,
  config: Record<string, unknown>,
  transcripts: readonly DebateTranscript[],
  state: 'running' | 'done' = 'done',
): Promise<string> {
  const { config: resolved } = await resolve(config);
  const opened = openRun(run, resolved, { command: ['test'] });
  const log = opened.log<DebateTranscript>(baseFinetuneStage, { keyOf: (transcript) => transcript.problemId });
  opened.markStage(baseFinetuneStage, 'running');
  for (const transcript of await onRunProblems(config, transcripts)) log.append(transcript);
  if (state === 'done') opened.markStage(baseFinetuneStage, 'done');
  opened.close();
  return run;
}
