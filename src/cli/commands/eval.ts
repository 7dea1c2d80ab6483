import type { Command } from 'commander';
import { evaluateDebates } from '../../evaluate/metrics.js';
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
      const transcripts = run.records<DebateTranscript>(debateStage);
      const metrics = evaluateDebates(transcripts);
      const state = run.manifest.stages[debateStage]?.state ?? 'pending';
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...metrics, stage: state })}\n`);
      } else {
        const note = state === 'done' ? '' : ` (debate ${state}: partial results)`;
        process.stdout.write(formatMetrics(metrics, `${runDirectory}${note}`));
      }
    });
}
