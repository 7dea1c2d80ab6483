/**
 * The one way a command opens a run (the I/O shell every stage command and `maft run` share): the config (a
 * file, else the run directory's own, else the embedded default) with the flags over it, resolved and checked
 * before anything is written, then the run directory opened (created, or resumed when it resolves to the same
 * config), its models (loaded when a stage first needs them) and the terminal's progress reporter.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isRemoteModelSource } from '../backends/llama-cpp/index.js';
import { embeddedBackend, embeddedDefaultConfig, resolveRunConfig } from '../config/resolve-run-config.js';
import { reuseProblems } from '../config/reuse-rules.js';
import { runConfigSchema, runExtendableSettings, runSessionSettings, type RunConfig } from '../config/run-config.js';
import { readConfigFileResolved, validateConfig } from '../config/validate-config.js';
import { MaftError } from '../errors/maft-error.js';
import { readBaseModelRecord, recordBaseModel } from '../run-store/base-model-record.js';
import { BorrowedReplies } from '../run-store/borrowed-replies.js';
import { valueAtPath } from '../run-store/config-diff.js';
import { runLayout } from '../run-store/layout.js';
import type { ChatResponse } from '../spec/chat-model.js';
import { fingerprintFile, type FileFingerprint } from '../util/file-fingerprint.js';
import { loadPromptTemplates } from '../debate/load-prompt-templates.js';
import { runModelSource, type RunContext } from '../pipeline/run-context.js';
import { checkStoredRecords, verifyDoneStages } from '../pipeline/stage-records.js';
import { openRun } from '../run-store/open-run.js';
import { readRun } from '../run-store/read-run.js';
import { checkBackend, embeddedBaseModelId } from '../society/open-society.js';
import { checkGivenSociety } from '../society/society-file.js';
import { preflightTrainer } from '../trainers/open-trainer.js';
import { finetuneMethodsOf } from '../run-store/run-plan.js';
import { inferBackendKind, mergeConfig } from './debate-flags.js';
import { checkParallelJobsFlag } from './parallel-jobs-flag.js';
import { createProgressReporter, writeProgressLine } from './progress.js';

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
  /** Another run directory whose base-model replies this run may reuse (`maft run --reuse`; docs/reuse.md). */
  reuse?: string;
  /** Embedded training jobs at once this session (`--parallel-jobs`; not stored in the run's config). */
  parallelJobs?: number;
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
  checkParallelJobsFlag(selection.parallelJobs, config);
  if (!selection.noModels) await checkBackend(config.backend);
  if (!selection.noModels) await checkGivenSociety(config.backend, config.society.models);
  if (selection.trains && finetuneMethodsOf(config.methods).length > 0) await preflightTrainer(config);
  const unwritten = (setting: string) => valueAtPath(raw, setting) === undefined; // maft's default, not the user's
  checkStoredRecords(
    selection.directory,
    config,
    { finetune: resolved.finetuneProblems, eval: resolved.evalProblems },
    unwritten,
  );
  const fingerprint = selection.noModels ? undefined : await baseModelFingerprint(selection.directory, config);
  const borrowed =
    selection.reuse === undefined
      ? undefined
      : await borrowReplies(selection.reuse, selection.directory, config, fingerprint);
  const run = openRun<RunConfig>(selection.directory, config, {
    command: process.argv.slice(2),
    sessionSettings: runSessionSettings,
    extendable: runExtendableSettings,
    unwritten,
  });
  const log = (line: string) => writeProgressLine(line);
  const context: RunContext = {
    run,
    config,
    task: resolved.task,
    finetuneProblems: resolved.finetuneProblems,
    evalProblems: resolved.evalProblems,
    templates,
    evalTask: resolved.evalTask,
    evalTemplates,
    models: runModelSource(run, config, borrowed),
    log,
    progress: (stage) => createProgressReporter(stage),
    ...(selection.parallelJobs !== undefined ? { parallelJobs: selection.parallelJobs } : {}),
  };
  try {
    verifyDoneStages(context); // every command reads only records that belong to the run; torn done stages reopen
    // The model bytes this session answers with, next to the cache (docs/reuse.md), once the run is known sound.
    const changed = fingerprint === undefined ? undefined : recordBaseModel(run.layout, fingerprint);
    if (changed !== undefined && fingerprint !== undefined)
      log(
        `maft: warning: ${config.backend.model} is not the file this run began with (sha256 ${changed.sha256.slice(0, 12)}… → ${fingerprint.sha256.slice(0, 12)}…): replies already in its cache came from the old one`,
      );
    if (borrowed !== undefined)
      log(`maft: --reuse ${borrowed.source}: ${borrowed.size} base-model replies of that run can answer this one`);
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

/**
 * The base model file's fingerprint (sha256), for the run's cache/base-model.json: llama.cpp backends with a
 * local file only (an `hf:` model or a server's cannot be hashed here). The run's last recorded fingerprint saves
 * hashing a file whose size and modification time did not change.
 */
async function baseModelFingerprint(directory: string, config: RunConfig): Promise<FileFingerprint | undefined> {
  const { backend } = config;
  if (backend.kind === 'openai' || isRemoteModelSource(backend.model)) return undefined;
  const layout = runLayout(path.resolve(directory));
  // Only an existing run has a record (the directory may not be one yet, or not even a directory: refused later).
  return fingerprintFile(backend.model, existsSync(layout.baseModel) ? (readBaseModelRecord(layout) ?? []) : []);
}

/** The line a command ends with after `--reuse <source>`: where this session's replies came from. */
export function reusedRepliesLine(context: RunContext, source: string): string {
  const { reused, computed, cached } = context.models.replyCounts();
  return `  replies this session: ${reused} reused from ${source}, ${computed} computed, ${cached} from this run's cache\n`;
}

/** Another run's base-model replies, once every rule of src/config/reuse-rules.ts holds (else one error line). */
async function borrowReplies(
  source: string,
  directory: string,
  config: RunConfig,
  fingerprint: FileFingerprint | undefined,
): Promise<BorrowedReplies<ChatResponse>> {
  if (path.resolve(source) === path.resolve(directory))
    throw new MaftError('CONFIG_INVALID', `--reuse ${source}: that is this run's own directory`);
  const other = readRun(source);
  const otherConfig = validateConfig(runConfigSchema, other.config, `config of ${source}`);
  const problems = reuseProblems(
    { config: otherConfig, fingerprints: readBaseModelRecord(other.layout) },
    { config, fingerprints: fingerprint === undefined ? undefined : [fingerprint] },
    source,
  );
  if (problems.length > 0) throw new MaftError('CONFIG_INVALID', problems.join('; '));
  return BorrowedReplies.load<ChatResponse>(source, embeddedBaseModelId(config.backend.model));
}
