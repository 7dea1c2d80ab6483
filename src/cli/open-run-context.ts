/**
 * The one way a command opens a run (the I/O shell every stage command and `maft run` share): the config (a
 * file, else the run directory's own, else the embedded default) with the flags over it, resolved and checked
 * before anything is written, then the run directory opened (created, or resumed when it resolves to the same
 * config), its models (loaded when a stage first needs them) and the terminal's progress reporter.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { embeddedBackend, embeddedDefaultConfig, resolveRunConfig } from '../config/resolve-run-config.js';
import type { RunConfig } from '../config/run-config.js';
import { readConfigFileResolved } from '../config/validate-config.js';
import { loadPromptTemplates } from '../debate/load-prompt-templates.js';
import { runModelSource, type RunContext } from '../pipeline/run-context.js';
import { checkStoredRecords, verifyDoneStages } from '../pipeline/stage-records.js';
import { openRun } from '../run-store/open-run.js';
import { readRun } from '../run-store/read-run.js';
import { checkBackend } from '../society/open-society.js';
import { checkGivenSociety } from '../society/society-file.js';
import { preflightTrainer } from '../trainers/open-trainer.js';
import { finetuneMethodsOf } from '../run-store/run-plan.js';
import { inferBackendKind, mergeConfig } from './debate-flags.js';
import { createProgressReporter } from './progress.js';

export interface RunSelection {
  /** The run directory. */
  directory: string;
  /** A config file; without one an existing run's stored config is used, else the embedded default. */
  configFile?: string;
  /** Settings from flags, shaped like the config, merged over it. */
  overrides?: Record<string, unknown>;
  /** The command must find an existing run (stage commands that read what earlier stages wrote). */
  existing?: boolean;
  /** The command calls no model (build-data): the model file is not checked. */
  noModels?: boolean;
  /** The command's own checks of its flags against the config, run before the run directory is touched. */
  check?: (config: RunConfig) => void;
  /** The command trains (run, finetune): the trainer's own checks (hf: Python and packages) run first too. */
  trains?: boolean;
}

/** The raw config of a selection and where it came from (for error messages). */
function rawConfig(selection: RunSelection): { raw: Record<string, unknown>; source: string } {
  const stored = path.join(selection.directory, 'config.json');
  if (selection.configFile !== undefined)
    return { raw: readConfigFileResolved(selection.configFile), source: `config ${selection.configFile}` };
  if (existsSync(stored))
    return {
      raw: readRun(selection.directory).config as Record<string, unknown>,
      source: `config of ${selection.directory}`,
    };
  if (selection.existing) readRun(selection.directory); // throws the clear "no such run" / "not a run" error
  return { raw: embeddedDefaultConfig(), source: 'embedded default config' };
}

export async function openRunContext(selection: RunSelection): Promise<RunContext> {
  const { raw: written, source } = rawConfig(selection);
  const overrides = { ...(selection.overrides ?? {}) };
  const flagged = overrides['backend'] as Record<string, unknown> | undefined;
  const server = flagged !== undefined && (flagged['kind'] === 'openai' || flagged['baseUrl'] !== undefined);
  const base =
    server && (written['backend'] as { kind?: unknown } | undefined)?.kind !== 'openai'
      ? { ...written, backend: undefined }
      : written;
  if (flagged !== undefined && base['backend'] === undefined && !server) {
    overrides['backend'] = { ...embeddedBackend(), ...flagged }; // flags refine the embedded default's backend
  }
  const raw = inferBackendKind(
    mergeConfig(Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined)), overrides),
  );
  const resolved = await resolveRunConfig(raw, source);
  const { config } = resolved;
  const templates = loadPromptTemplates(resolved.task.answerType, config.promptsFile);
  const evalTemplates = loadPromptTemplates(resolved.evalTask.answerType, config.promptsFile);
  selection.check?.(config);
  if (!selection.noModels) await checkBackend(config.backend);
  if (!selection.noModels) await checkGivenSociety(config.backend, config.society.models);
  if (selection.trains && finetuneMethodsOf(config.methods).length > 0) await preflightTrainer(config);
  checkStoredRecords(selection.directory, config, { finetune: resolved.finetuneProblems, eval: resolved.evalProblems });
  const run = openRun<RunConfig>(selection.directory, config, { command: process.argv.slice(2) });
  const context: RunContext = {
    run,
    config,
    task: resolved.task,
    finetuneProblems: resolved.finetuneProblems,
    evalProblems: resolved.evalProblems,
    templates,
    evalTask: resolved.evalTask,
    evalTemplates,
    models: runModelSource(run, config),
    log: (line) => process.stderr.write(`${line}\n`),
    progress: (stage) => createProgressReporter(stage),
  };
  try {
    verifyDoneStages(context); // every command reads only records that belong to the run; torn done stages reopen
  } catch (error) {
    run.close();
    throw error;
  }
  return context;
}

/** Run `work` on an opened context, then let its models and lock go. */
export async function withRunContext<T>(
  selection: RunSelection,
  work: (context: RunContext) => Promise<T>,
): Promise<T> {
  const context = await openRunContext(selection);
  try {
    return await work(context);
  } finally {
    await context.models.dispose();
    context.run.close();
  }
}
