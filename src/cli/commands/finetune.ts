import type { Command } from 'commander';
import { readRunRegistry } from '../../finetune/finetune-jobs.js';
import { trainModels } from '../../pipeline/stages.js';
import { stageId } from '../../run-store/run-plan.js';
import { withRunContext } from '../open-run-context.js';
import { addParallelJobsOption, parallelJobsFlag } from '../parallel-jobs-flag.js';
import { addStageOptions, selectStage, type StageFlags } from '../stage-selection.js';

/**
 * `maft finetune <run-dir>`: train a method's models of an iteration (the stage `maft run` runs,
 * `<method>/iteration-<k>/train`) with the run's trainer from the data `maft build-data` wrote, with the
 * run's trainer settings, each recorded in the run's model registry. Re-running resumes: finished jobs are kept.
 */
export async function runFinetuneCommand(
  directory: string,
  flags: StageFlags & { parallelJobs?: string },
): Promise<void> {
  const parallelJobs = parallelJobsFlag(flags.parallelJobs);
  await withRunContext(
    {
      directory,
      existing: true,
      trains: true,
      check: (config) => void selectStage(flags, config, 1),
      ...(parallelJobs !== undefined ? { parallelJobs } : {}),
    },
    async (context) => {
      const { method, iteration } = selectStage(flags, context.config, 1);
      await trainModels(context, method, iteration);
      const entries = readRunRegistry(context.run).entries.filter(
        (entry) => entry.method === method && entry.iteration === iteration,
      );
      process.stdout.write(`${directory}: ${stageId(method, iteration, 'train')}\n`);
      for (const entry of entries) {
        const detail =
          entry.status === 'succeeded'
            ? `${entry.rows} rows${entry.result ? `, final loss ${entry.result.finalLoss.toFixed(3)}` : ''} → ${entry.adapter ?? entry.servedModel ?? entry.peftAdapter}`
            : (entry.reason ?? '');
        process.stdout.write(
          `  agent ${entry.agent ?? '-'} ${entry.role.padEnd(9)} ${entry.status.padEnd(9)} ${detail}\n`,
        );
      }
    },
  );
}

export function registerFinetuneCommand(program: Command): void {
  const command = program
    .command('finetune')
    .description(
      "train a method's models of an iteration with the run's trainer (embedded, openai, together, command, hf)",
    )
    .argument('<run-dir>', "a run directory with the iteration's data (maft build-data)");
  addParallelJobsOption(addStageOptions(command, 'the iteration to train (default 1)')).action(runFinetuneCommand);
}
