import type { Command } from 'commander';
import { evaluateDebates } from '../../evaluate/debate-metrics.js';
import { formatMetrics } from '../../evaluate/format-metrics.js';
import { readRun } from '../../run-store/read-run.js';
import type { DebateTranscript } from '../../spec/debate.js';
import { debateStage } from '../debate-stage.js';

/** `maft eval <run-dir>`: score a debate run's saved transcripts (a table, or one JSON object with --json). */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('score a debate run: accuracy ± SE, per round and agent, consensus, no-answer rate, tokens')
    .argument('<run-dir>', 'the run directory')
    .option('--json', 'print the metrics as one JSON object')
    .action((runDirectory: string, flags: { json?: boolean }) => {
      const run = readRun(runDirectory);
      const marker = run.manifest.stages[debateStage];
      const total = marker?.details?.['problems'];
      // Checked against the run: producer stamps, no duplicate, no more records than the stage's problems.
      const transcripts = run.records<DebateTranscript>(debateStage, typeof total === 'number' ? { total } : {});
      const metrics = evaluateDebates(transcripts);
      const state = marker?.state ?? 'pending';
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...metrics, stage: state })}\n`);
      } else {
        const note = state === 'done' ? '' : ` (debate ${state}: partial results)`;
        process.stdout.write(formatMetrics(metrics, `${runDirectory}${note}`));
      }
    });
}
