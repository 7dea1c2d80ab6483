/**
 * A run directory made by hand, as `maft debate --split finetune` leaves it: the resolved run config (the one
 * schema every command reads) and the base society's finetune-split records, marked done — so the stage
 * commands after it can be tested on known transcripts.
 */
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { openRun } from '../../src/run-store/open-run.js';
import { baseFinetuneStage } from '../../src/run-store/run-plan.js';
import type { DebateTranscript } from '../../src/spec/debate.js';

export async function handMadeRun(
  run: string,
  config: Record<string, unknown>,
  transcripts: readonly DebateTranscript[],
  state: 'running' | 'done' = 'done',
): Promise<string> {
  const { config: resolved } = await resolveRunConfig({ task: { name: 'arithmetic', options: { max: 9 } }, ...config }, 'test config');
  const opened = openRun(run, resolved, { command: ['test'] });
  const log = opened.log<DebateTranscript>(baseFinetuneStage, { keyOf: (transcript) => transcript.problemId });
  opened.markStage(baseFinetuneStage, 'running');
  for (const transcript of transcripts) log.append(transcript);
  if (state === 'done') opened.markStage(baseFinetuneStage, 'done');
  opened.close();
  return run;
}
