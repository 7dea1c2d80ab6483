import type { Command } from 'commander';
import { evaluateDebates } from '../../evaluate/metrics.js';
import { formatMetrics } from '../../evaluate/format-metrics.js';
import { summarizeDiversity } from '../../diversity/summarize.js';
import { diversityLog } from '../../pipeline/diversity-stage.js';
import { stageLog } from '../../pipeline/stage-records.js';
import { baseDiversityStage, stageId } from '../../run-store/run-plan.js';
import { answerSplit } from '../../pipeline/stages.js';
import type { DebateTranscript } from '../../spec/debate.js';
import { withRunContext } from '../open-run-context.js';
import { addStageOptions, selectStage, type StageFlags } from '../stage-selection.js';

/**
 * `maft eval <run-dir>`: a society answers the held-out split (the stage `maft run` runs: `base/eval` at
 * iteration 0, `<method>/iteration-<k>/eval` after), unless that is done, and its metrics are printed: a
 * table, or one JSON object with --json (the same camelCase names as the library and results.json): the
 * metrics, and `diversity` (results.json's DiversityScore: the means and their `standardError`) when the
 * society's diversity stage is done.
 */
export async function runEvalCommand(directory: string, flags: StageFlags & { json?: boolean }): Promise<void> {
  await withRunContext(
    { directory, existing: true, check: (config) => void selectStage(flags, config, 0, 0) },
    async (context) => {
      const { method, iteration } = selectStage(flags, context.config, 0, 0);
      const stage = await answerSplit(context, 'eval', method, iteration);
      const metrics = evaluateDebates(stageLog<DebateTranscript>(context, stage, 'eval').records());
      const diversityStage = iteration === 0 ? baseDiversityStage : stageId(method, iteration, 'diversity');
      const diversity =
        context.run.stageState(diversityStage) === 'done'
          ? summarizeDiversity(
              iteration === 0 ? 'debate' : method,
              iteration,
              diversityLog(context, diversityStage).records(),
            )
          : undefined;
      if (flags.json)
        process.stdout.write(`${JSON.stringify({ stage, ...metrics, ...(diversity ? { diversity } : {}) })}\n`);
      else process.stdout.write(formatMetrics(metrics, `${directory}: ${stage}`));
    },
  );
}

export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description(
      'a society of the run answers the held-out split (unless done) and is scored: accuracy ± SE, per round and agent, consensus, answer changes between rounds, no-answer rate, tokens',
    )
    .argument('<run-dir>', 'a run directory (made by maft run or maft debate)')
    .option('--json', 'print the metrics as one JSON object');
  addStageOptions(command, 'the iteration whose models answer (default 0, the base society)').action(runEvalCommand);
}
