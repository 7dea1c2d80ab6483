import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { runConfigSchema } from '../../config/run-config.js';
import { validateConfig } from '../../config/validate-config.js';
import { finetuneMethodsOf, planRun } from '../../run-store/run-plan.js';
import { isProcessAlive } from '../../run-store/process-lock.js';
import { readRun } from '../../run-store/read-run.js';
import { formatResultsTable, runTitle } from '../../report/format-results.js';
import { chainsSideBySide } from '../../pipeline/method-chains.js';
import type { LockOwner } from '../../run-store/process-lock.js';
import { describeStatus } from '../../status/describe-status.js';
import { formatStatus } from '../../status/format-status.js';
import type { RunResults } from '../../spec/run-results.js';

/**
 * `maft status <run-dir>`: every stage's state (running, interrupted, done, pending), what each holds, what runs
 * now and what comes next per chain (docs/status.md). Whether a stage marked running really runs is decided by
 * the run's lock: a live process holds it, and took it before marking the stage.
 */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'where a maft run stands: every stage (running, interrupted, done, pending), counts, what runs now and what is next per chain (reads the run, never changes it)',
    )
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
      const owner = lockOwner(run.layout.lock);
      // Records are checked against the run (producer, duplicates, counts): a record that does not belong is an error.
      const status = describeStatus({
        plan: planRun(config),
        markers: run.manifest.stages,
        recordCount: (stage) =>
          run.records(stage.id, {
            total: stage.kind === 'diversity' ? problems.diversity : problems[stage.split ?? 'eval'],
          }).length,
        problems,
        owner,
        sideBySide: finetuneMethodsOf(config.methods).length > 1 && chainsSideBySide(config),
      });
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ ...status, extensions: run.manifest.extensions ?? [], runningProcess: owner === null ? null : withoutPlace(owner) })}\n`,
        );
        return;
      }
      process.stdout.write(
        formatStatus(
          status,
          runTitle(runDirectory, config) +
            (run.manifest.extensions ?? [])
              .map(
                (extension) =>
                  ` (${extension.path} raised ${extension.from} → ${extension.to} on ${extension.at.slice(0, 10)})`,
              )
              .join(''),
          owner === null ? null : `pid ${owner.pid}${owner.elsewhere ? ` on ${owner.hostname}` : ''} is running it`,
        ),
      );
      const resultsFile = path.join(run.layout.artifacts, 'results.json');
      if (existsSync(resultsFile))
        process.stdout.write(
          formatResultsTable(JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults, 'results so far'),
        );
    });
}

/**
 * The process that holds the run's lock, if it still lives (a lock taken on another host is taken to be held: its
 * pid cannot be checked from here, and `maft run` refuses it the same way).
 */
function lockOwner(file: string): (LockOwner & { elsewhere: boolean }) | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    if (typeof owner.pid !== 'number' || typeof owner.startedAt !== 'string') return null;
    const elsewhere = typeof owner.hostname === 'string' && owner.hostname !== os.hostname();
    return elsewhere || isProcessAlive(owner.pid) ? { ...owner, elsewhere } : null;
  } catch {
    return null;
  }
}

const withoutPlace = ({ elsewhere: _elsewhere, ...owner }: LockOwner & { elsewhere: boolean }): LockOwner => owner;
