import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import type { Problem, SplitName } from '../../spec/problem.js';
import { loadSplit } from '../../tasks/load-splits.js';
import { loadTask, taskNames } from '../../tasks/registry.js';

/** The flags that choose a task's problems, shared by `maft problems` and `maft debate`. */
export interface TaskSelectionFlags {
  split?: string;
  limit?: string;
  seed?: string;
  finetuneCount?: string;
  evalCount?: string;
  path?: string;
  levels?: string;
  subjects?: string;
  questionField?: string;
  answerField?: string;
  idField?: string;
  answerType?: string;
  count?: string;
  min?: string;
  max?: string;
}

interface ProblemsFlags extends TaskSelectionFlags {
  task: string;
}

/** A flag's integer value; anything else is CONFIG_INVALID naming the flag. */
function integerFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) {
    throw new MaftError('CONFIG_INVALID', `expected an integer, got "${text}"`, { field: `--${flag}` });
  }
  return Number(text);
}

function listFlag(text: string | undefined): string[] | undefined {
  return text
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Task options from the flags the user gave (and only those: the task's schema rejects options it does not
 * know, so `--levels` on gsm8k is an error rather than silently ignored). `--seed` seeds generation only for
 * arithmetic; for every task it seeds the split.
 */
export function taskOptionsFromFlags(flags: ProblemsFlags): Record<string, unknown> {
  const levels =
    flags.levels?.trim() === 'all' ? 'all' : listFlag(flags.levels)?.map((level) => integerFlag(level, 'levels'));
  const options: Record<string, unknown> = {
    path: flags.path,
    levels,
    subjects: listFlag(flags.subjects),
    questionField: flags.questionField,
    answerField: flags.answerField,
    idField: flags.idField,
    answerType: flags.answerType,
    count: integerFlag(flags.count, 'count'),
    min: integerFlag(flags.min, 'min'),
    max: integerFlag(flags.max, 'max'),
    seed: flags.task === 'arithmetic' ? integerFlag(flags.seed, 'seed') : undefined,
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function parseSplitName(text: string): SplitName {
  if (text !== 'finetune' && text !== 'eval') {
    throw new MaftError('CONFIG_INVALID', `expected finetune or eval, got "${text}"`, { field: '--split' });
  }
  return text;
}

/** The problems the flags select: a split when --split is given, else every problem of the task. */
export async function selectProblems(flags: ProblemsFlags): Promise<Problem[]> {
  const options = taskOptionsFromFlags(flags);
  const limit = integerFlag(flags.limit, 'limit');
  if (limit !== undefined && limit < 0) {
    throw new MaftError('CONFIG_INVALID', 'expected a non-negative integer', { field: '--limit' });
  }
  const problems =
    flags.split === undefined
      ? (await loadTask(flags.task, options)).problems
      : await loadSplit(flags.task, options, parseSplitName(flags.split), {
          seed: integerFlag(flags.seed, 'seed'),
          finetuneCount: integerFlag(flags.finetuneCount, 'finetune-count'),
          evalCount: integerFlag(flags.evalCount, 'eval-count'),
        });
  return limit === undefined ? problems : problems.slice(0, limit);
}

/**
 * `maft problems`: print a task's problems (or one split of them) as JSONL, one Problem per line, to look at
 * what a run will use or to feed other tools. Bad flags or input throw MaftError for main's error boundary.
 */
export function registerProblemsCommand(program: Command): void {
  program
    .command('problems')
    .description("print a task's problems (or its finetune/eval split) as JSONL")
    .requiredOption('--task <name>', taskNames.join(' | '))
    .option('--split <split>', 'finetune | eval (default: all problems, unsplit)')
    .option('--limit <n>', 'print at most the first n')
    .option('--seed <n>', 'split seed, and generation seed for arithmetic (default 0)')
    .option('--finetune-count <n>', 'problems in the finetune split (default 500; with --split)')
    .option('--eval-count <n>', 'problems in the eval split (default 500; with --split)')
    .option('--path <path>', 'data file or directory (gsm8k, math, mmlu, jsonl)')
    .option('--levels <list>', 'math: levels to keep, e.g. 1,2,3 (default), or all')
    .option('--subjects <list>', 'math, mmlu: subjects to keep, comma-separated (default all)')
    .option('--question-field <field>', 'jsonl: question field (default question)')
    .option('--answer-field <field>', 'jsonl: answer field (default answer)')
    .option('--id-field <field>', 'jsonl: id field (default: file name and line)')
    .option('--answer-type <type>', 'jsonl: numeric | math | choice | exact (required)')
    .option('--count <n>', "arithmetic: problems to generate (default 1000, or both splits' total with --split)")
    .option('--min <n>', 'arithmetic: smallest value (default 0)')
    .option('--max <n>', 'arithmetic: largest value, inclusive (default 29)')
    .action(async (flags: ProblemsFlags) => {
      const problems = await selectProblems(flags);
      for (const problem of problems) {
        if (!process.stdout.write(`${JSON.stringify(problem)}\n`)) {
          await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      }
    });
}
