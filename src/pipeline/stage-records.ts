/**
 * The records of a `maft run` stage, always read through the checks of the run store: the producer stamp,
 * the stage's own problems (id and question), no duplicate. And before any result is computed, every stage
 * marked done must hold exactly its problems' records: a torn last line there (cut away by the run store) or
 * a missing record reopens the stage, which then redoes only what is missing, and says so.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runExtendableSettings, runSessionSettings, type RunConfig } from '../config/run-config.js';
import type { JsonlLog } from '../run-store/jsonl-log.js';
import { readRun } from '../run-store/read-run.js';
import { compareConfigs } from '../run-store/open-run.js';
import type { Problem } from '../spec/problem.js';
import type { RunContext } from './run-context.js';
import { planRun } from '../run-store/run-plan.js';

/** The problems a split's stages answer, id → question. */
export function splitProblems(context: RunContext, split: 'finetune' | 'eval'): Problem[] {
  return split === 'finetune' ? context.finetuneProblems : context.evalProblems;
}

/** The checked records log of stage `id`, which answers `split`. */
export function stageLog<T extends { problemId: string }>(
  context: RunContext,
  id: string,
  split: 'finetune' | 'eval',
): JsonlLog<T> {
  const problems = new Map(splitProblems(context, split).map((problem) => [problem.id, problem.question]));
  return context.run.log<T>(id, { keyOf: (record) => record.problemId, problems });
}

/** The split answered by a planned stage with records, or undefined for data and training stages. */
export function stageSplit(context: RunContext, id: string): 'finetune' | 'eval' | undefined {
  return planRun(context.config).find((stage) => stage.id === id)?.split;
}

/**
 * Check every done stage's records against the run (a record that does not belong is an error naming its file
 * and line); reopen a done stage whose records are torn or short, telling the user. Returns the reopened ids.
 */
export function verifyDoneStages(context: RunContext): string[] {
  const reopened: string[] = [];
  for (const stage of planRun(context.config)) {
    if (stage.split === undefined || context.run.stageState(stage.id) !== 'done') continue;
    const log = stageLog(context, stage.id, stage.split);
    const total = splitProblems(context, stage.split).length;
    if (log.size === total && log.repair === undefined) continue;
    const torn =
      log.repair === undefined
        ? ''
        : `torn last line ${log.repair.line} (${log.repair.reason}) cut away, kept in ${log.repair.keptIn}; `;
    context.log(
      `maft run: ${log.file}: ${torn}stage ${stage.id} was done but holds ${log.size} of ${total} records: reopened to redo ${total - log.size} problem(s)`,
    );
    context.run.markStage(stage.id, 'running');
    reopened.push(stage.id);
  }
  return reopened;
}

/**
 * Before a command opens an existing run for writing (which records a session in its manifest): every
 * stage's records belong to it (producer, problems, no duplicate), read without changing a byte. A refused
 * record so leaves the run directory exactly as it was. Torn or short done stages pass: opening repairs them.
 */
export function checkStoredRecords(
  directory: string,
  config: RunConfig,
  problems: { finetune: readonly Problem[]; eval: readonly Problem[] },
  unwritten?: (path: string) => boolean,
): void {
  if (!existsSync(path.join(directory, 'config.json'))) return;
  const reader = readRun(directory);
  const { changed } = compareConfigs(reader.config, config, {
    sessionSettings: runSessionSettings,
    extendable: runExtendableSettings,
    unwritten,
  });
  if (changed.length > 0) return; // opening refuses the changed config
  for (const stage of planRun(config)) {
    if (stage.split === undefined) continue;
    const own = problems[stage.split];
    reader.records(stage.id, {
      total: own.length,
      problems: new Map(own.map((problem) => [problem.id, problem.question])),
      finished: false,
    });
  }
}
