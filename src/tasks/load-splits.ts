import type { Problem, SplitName } from '../spec/problem.js';
import { loadTask, parseOptions } from './registry.js';
import { splitOptionsSchema, splitProblems, type Splits } from './split.js';
import type { Task } from './task.js';

/**
 * Loading a task and splitting it in one step, for commands that run on one split. Generated tasks need to
 * know how many problems the splits take: arithmetic's `count` defaults to finetuneCount + evalCount (so the
 * splits partition what was generated) and its `seed` to the split seed, unless the options set them.
 */
export interface LoadedSplits extends Splits {
  task: Task;
}

/** `taskOptions` as for loadTask; `splitOptions` as splitOptionsSchema (seed, finetuneCount, evalCount). */
export async function loadSplits(
  name: string,
  taskOptions: Record<string, unknown>,
  splitOptions: unknown = {},
): Promise<LoadedSplits> {
  const split = parseOptions(splitOptionsSchema, splitOptions, 'the split');
  const options =
    name === 'arithmetic'
      ? {
          ...taskOptions,
          count: taskOptions['count'] ?? Math.max(1, split.finetuneCount + split.evalCount),
          seed: taskOptions['seed'] ?? split.seed,
        }
      : taskOptions;
  const task = await loadTask(name, options);
  return { task, ...splitProblems(task.problems, split, `task ${name}`) };
}

/** One split's problems (finetune in ascending key order, eval in descending; see split.ts). */
export async function loadSplit(
  name: string,
  taskOptions: Record<string, unknown>,
  split: SplitName,
  splitOptions: unknown = {},
): Promise<Problem[]> {
  const splits = await loadSplits(name, taskOptions, splitOptions);
  return split === 'finetune' ? splits.finetune : splits.eval;
}
