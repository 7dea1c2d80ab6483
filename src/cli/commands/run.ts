import path from 'node:path';
import type { Command } from 'commander';
import { embeddedDefaultConfig, resolveRunConfig } from '../../config/resolve-run-config.js';
import type { RunConfig } from '../../config/run-config.js';
import { readConfigFile } from '../../config/validate-config.js';
import { loadPromptTemplates } from '../../debate/load-prompt-templates.js';
import { runPipeline } from '../../pipeline/run.js';
import { createModelSource, type RunContext } from '../../pipeline/run-context.js';
import { formatResultsTable } from '../../report/format-results.js';
import { writeReportFiles } from '../../report/write-report.js';
import { openRun } from '../../run-store/open-run.js';
import { checkBackend } from '../../society/open-society.js';
import { mergeConfig } from '../debate-flags.js';

interface RunFlags {
  run?: string;
  threads?: string;
  iterations?: string;
  finetuneCount?: string;
  evalCount?: string;
  methods?: string;
}

const integer = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));

/** The flags' settings, shaped like the config (the schema checks their values). */
function configFromRunFlags(flags: RunFlags): Record<string, unknown> {
  const over: Record<string, unknown> = {};
  if (flags.iterations !== undefined) over['iterations'] = integer(flags.iterations);
  if (flags.methods !== undefined) over['methods'] = flags.methods.split(',').map((name) => name.trim());
  const split: Record<string, unknown> = {};
  if (flags.finetuneCount !== undefined) split['finetuneCount'] = integer(flags.finetuneCount);
  if (flags.evalCount !== undefined) split['evalCount'] = integer(flags.evalCount);
  if (Object.keys(split).length > 0) over['split'] = split;
  if (flags.threads !== undefined) over['backend'] = { threads: integer(flags.threads) };
  return over;
}

/**
 * `maft run [config.yaml]`: the whole method — the base society on both splits, L iterations of every
 * finetuning method, each evaluated on the held-out split — into one resumable run directory, ending with the
 * results table and the report. With no config: the embedded default (arithmetic, the shipped base model).
 */
export async function runRunCommand(configFile: string | undefined, flags: RunFlags): Promise<void> {
  const written = configFile === undefined ? embeddedDefaultConfig() : readConfigFile(configFile);
  const overrides = configFromRunFlags(flags);
  if (overrides['backend'] !== undefined && written['backend'] === undefined) {
    overrides['backend'] = { ...embeddedDefaultConfig()['backend'] as object, ...overrides['backend'] as object };
  }
  const raw = mergeConfig(written, overrides);
  const resolved = await resolveRunConfig(raw, configFile === undefined ? 'embedded default config' : `config ${configFile}`);
  const { config } = resolved;
  const templates = loadPromptTemplates(resolved.task.answerType, config.promptsFile);
  await checkBackend(config.backend);

  const directory = flags.run ?? path.join('runs', configFile === undefined ? 'default' : path.basename(configFile).replace(/\.(ya?ml|json)$/i, ''));
  const run = openRun<RunConfig>(directory, config, { command: process.argv.slice(2) });
  process.stderr.write(`maft run: ${run.created ? 'new run' : 'resuming'} ${directory}\n`);
  let models;
  try {
    models = await createModelSource(run, config);
    const context: RunContext = { run, config, task: resolved.task, finetuneProblems: resolved.finetuneProblems, evalProblems: resolved.evalProblems, templates, models, log: (line) => process.stderr.write(`${line}\n`) };
    const started = performance.now();
    const results = await runPipeline(context);
    const files = writeReportFiles(run, results);
    process.stdout.write(formatResultsTable(results, `${directory}: ${config.task.name}, ${config.society.agents} agents × ${config.society.rounds} rounds, ${config.iterations} iterations`));
    process.stdout.write(`  ${((performance.now() - started) / 60000).toFixed(1)} min this session; report: ${files.html}\n`);
  } finally {
    await models?.dispose();
    run.close();
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('the whole method: debate, vote, finetune every agent, iterate, and evaluate against the baselines (resumable)')
    .argument('[config]', 'YAML config file (default: the embedded default on the shipped arithmetic model)')
    .option('--run <dir>', 'run directory (default runs/<config name>, or runs/default)')
    .option('--threads <n>', 'CPU threads for inference and training (default: all cores)')
    .option('--iterations <n>', 'finetuning iterations L')
    .option('--finetune-count <n>', 'problems debated per iteration to make training data')
    .option('--eval-count <n>', 'held-out problems every method is scored on')
    .option('--methods <list>', 'comma-separated: base, majority, debate, multiagent-ft, single-agent-ft, majority-ft, star')
    .action(runRunCommand);
}
