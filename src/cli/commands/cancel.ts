import type { Command } from 'commander';
import { cancelFailure, type CancelAction } from '../../finetune/cancel-jobs.js';
import { jobLabel } from '../../finetune/finetune-jobs.js';
import { cancelRun } from '../../pipeline/cancel-run.js';

/**
 * `maft cancel <run-dir>`: stop the hosted trainer's jobs (openai, together) a run started and left running — a
 * killed or abandoned `maft run` — and record them `cancelled`, so the next `maft run` trains them anew
 * (docs/trainers.md, "Cancelling a run's jobs"). Exit 0 when everything that needed cancelling was cancelled;
 * CANCEL_FAILED (after every job had its attempt) when the provider refused one.
 */
export async function runCancelCommand(directory: string, flags: { json?: boolean; dryRun?: boolean }): Promise<void> {
  const result = await cancelRun(directory, { dryRun: flags.dryRun ?? false, command: process.argv.slice(2) });
  const counts: Record<CancelAction, number> = { cancelled: 0, 'would-cancel': 0, ended: 0, 'not-found': 0, failed: 0 };
  for (const job of result.jobs) counts[job.action] += 1;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...result, counts })}\n`);
  } else if (!result.remote) {
    process.stdout.write(`${directory}: ${result.note}\n`);
  } else {
    for (const job of result.jobs)
      process.stdout.write(`  ${jobLabel(job)}  job ${job.jobId ?? '-'}  ${job.action}: ${job.detail}\n`);
    const summary = (Object.entries(counts) as [CancelAction, number][])
      .filter(([, count]) => count > 0)
      .map(([action, count]) => `${count} ${action}`);
    process.stdout.write(
      `${directory}: ${result.trainerKind} trainer, ${result.jobs.length === 0 ? 'no job to cancel' : summary.join(', ')}${result.dryRun ? ' (dry run: nothing changed)' : ''}\n`,
    );
  }
  const failure = cancelFailure(result);
  if (failure !== undefined) throw failure;
}

export function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .description(
      "cancel the hosted trainer's jobs (openai, together) a run left running at the provider, and record them cancelled: the next maft run retrains them",
    )
    .argument('<run-dir>', 'a run directory made by maft run')
    .option('--json', 'print the outcome as one JSON object')
    .option('--dry-run', 'list the jobs it would cancel; change nothing')
    .action(runCancelCommand);
}
