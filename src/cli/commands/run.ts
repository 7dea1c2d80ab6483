import path from 'node:path';
import type { Command } from 'commander';
import { runPipeline } from '../../pipeline/run.js';
import { formatResultsTable, runTitle } from '../../report/format-results.js';
import { writeReportFiles } from '../../report/write-report.js';
import { integerFlag } from '../debate-flags.js';
import { reusedRepliesLine, withRunContext } from '../open-run-context.js';
import { addParallelJobsOption, parallelJobsFlag } from '../parallel-jobs-flag.js';

interface RunFlags {
  run?: string;
  threads?: string;
  iterations?: string;
  finetuneCount?: string;
  evalCount?: string;
  methods?: string;
  reuse?: string;
  parallelJobs?: string;
}

/** The flags' settings, shaped like the config (the schema checks their values). */
function configFromRunFlags(flags: RunFlags): Record<string, unknown> {
  const over: Record<string, unknown> = {};
  if (flags.iterations !== undefined) over['iterations'] = integerFlag(flags.iterations, 'iterations');
  if (flags.methods !== undefined) over['methods'] = flags.methods.split(',').map((name) => name.trim());
  const split: Record<string, unknown> = {};
  if (flags.finetuneCount !== undefined) split['finetuneCount'] = integerFlag(flags.finetuneCount, 'finetune-count');
  if (flags.evalCount !== undefined) split['evalCount'] = integerFlag(flags.evalCount, 'eval-count');
  if (Object.keys(split).length > 0) over['split'] = split;
  if (flags.threads !== undefined) over['backend'] = { threads: integerFlag(flags.threads, 'threads') };
  return over;
}

/**
 * `maft run [config.yaml]`: the whole method — the base society on both splits, L iterations of every
 * finetuning method, each evaluated on the held-out split — into one resumable run directory, ending with the
 * results table and the report. With no config: the run directory's own (resuming it), else the embedded
 * default (arithmetic, the shipped base model). A directory the stage commands began is continued the same way.
 */
export async function runRunCommand(configFile: string | undefined, flags: RunFlags): Promise<void> {
  const directory =
    flags.run ??
    path.join('runs', configFile === undefined ? 'default' : path.basename(configFile).replace(/\.(ya?ml|json)$/i, ''));
  const parallelJobs = parallelJobsFlag(flags.parallelJobs);
  await withRunContext(
    {
      directory,
      ...(configFile !== undefined ? { configFile } : {}),
      overrides: configFromRunFlags(flags),
      trains: true,
      ...(flags.reuse !== undefined ? { reuse: flags.reuse } : {}),
      ...(parallelJobs !== undefined ? { parallelJobs } : {}),
    },
    async (context) => {
      const { run, config } = context;
      process.stderr.write(`maft run: ${run.created ? 'new run' : 'resuming'} ${directory}\n`);
      const started = performance.now();
      const results = await runPipeline(context);
      const files = writeReportFiles(run, results);
      process.stdout.write(formatResultsTable(results, runTitle(directory, config)));
      process.stdout.write(
        `  ${((performance.now() - started) / 60000).toFixed(1)} min this session; report: ${files.html}\n`,
      );
      if (flags.reuse !== undefined) process.stdout.write(reusedRepliesLine(context, flags.reuse));
    },
  );
}

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description(
      'the whole method: debate, vote, finetune every agent, iterate, and evaluate against the baselines (resumable)',
    )
    .argument(
      '[config]',
      "YAML config file (default: the run directory's own config, else the embedded default on the shipped arithmetic model)",
    )
    .option('--run <dir>', 'run directory (default runs/<config name>, or runs/default)')
    .option('--threads <n>', 'CPU threads for inference and training (default 1: llama.cpp threads spin)')
    .option('--iterations <n>', 'finetuning iterations L')
    .option('--finetune-count <n>', 'problems debated per iteration to make training data')
    .option('--eval-count <n>', 'held-out problems every method is scored on')
    .option(
      '--reuse <run-dir>',
      'answer base-model requests another run already made from its cache (read only; same model file and backend settings, docs/reuse.md)',
    )
    .option(
      '--methods <list>',
      'comma-separated: base, majority, debate, multiagent-ft, single-agent-ft, majority-ft, star',
    );
  addParallelJobsOption(command).action(runRunCommand);
}
