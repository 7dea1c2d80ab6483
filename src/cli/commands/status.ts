import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { runConfigSchema } from '../../config/run-config.js';
import { validateConfig } from '../../config/validate-config.js';
import { planRun } from '../../run-store/run-plan.js';
import { isProcessAlive } from '../../run-store/process-lock.js';
import { readRun } from '../../run-store/read-run.js';
import { formatResultsTable } from '../../report/format-results.js';
import { describeStatus, formatStatus } from '../../status/describe-status.js';
import type { RunResults } from '../../spec/run-results.js';

/** `maft status <run-dir>`: the stage and iteration a run is at, what each stage holds, what is left. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('where a maft run stands: stage, iteration, counts, what is left (reads the run, never changes it)')
    .argument('<run-dir>', 'a run directory made by maft run')
    .option('--json', 'print the status as one JSON object')
    .action((runDirectory: string, flags: { json?: boolean }) => {
      const run = readRun(runDirectory);
      const config = validateConfig(
        runConfigSchema,
        run.config,
        `config of ${runDirectory} (is it a maft run directory?)`,
      );
      const problems = {
        finetune: config.split.finetuneCount,
        eval: config.split.evalCount,
        diversity: Math.min(config.diversity.problems, config.split.evalCount),
      };
      // Records are checked against the run (producer, duplicates, counts): a record that does not belong is an error.
      const status = describeStatus(
        planRun(config),
        run.manifest.stages,
        (stage) =>
          run.records(stage.id, {
            total: stage.kind === 'diversity' ? problems.diversity : problems[stage.split ?? 'eval'],
          }).length,
        problems,
      );
      const owner = lockOwner(run.layout.lock);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...status, runningProcess: owner })}\n`);
        return;
      }
      process.stdout.write(
        formatStatus(
          status,
          `${runDirectory}: ${config.task.name}, ${config.society.agents} agents × ${config.society.rounds} rounds, ${config.iterations} iterations`,
          owner === null ? null : `pid ${owner.pid} is running it`,
        ),
      );
      const resultsFile = path.join(run.layout.artifacts, 'results.json');
      if (existsSync(resultsFile))
        process.stdout.write(
          formatResultsTable(JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults, 'results so far'),
        );
    });
}

function lockOwner(file: string): { pid: number } | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
    return isProcessAlive(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}
