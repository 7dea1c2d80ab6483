import type { z } from 'zod';
import { validateConfig } from '../config/validate-config.js';
import { MaftError } from '../errors/maft-error.js';
import { arithmeticOptionsSchema, loadArithmetic } from './arithmetic.js';
import { gsm8kOptionsSchema, loadGsm8k } from './gsm8k.js';
import { jsonlOptionsSchema, loadJsonl } from './jsonl.js';
import { mathOptionsSchema } from './math.js';
import { loadMath } from './math-files.js';
import { loadMmlu, mmluOptionsSchema } from './mmlu.js';
import type { AnswerType } from '../spec/problem.js';
import type { Task } from './task.js';

/** Validate a task's options (every problem at once, `field: message`); see validateConfig. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, raw: unknown, what: string): z.output<Schema> {
  return validateConfig(schema, raw, `options for ${what}`);
}

/**
 * The task registry: a name, a one-line description, an options schema and a loader per task. Options are
 * validated here, so loaders receive typed, defaulted options and never see raw user input.
 */
export interface TaskDefinition {
  name: string;
  description: string;
  /** The answer type its problems are graded with; undefined when the user chooses it (jsonl). */
  answerType: AnswerType | undefined;
  /** Validate `options` (CONFIG_INVALID on failure), then load. */
  load(options: unknown): Promise<Task>;
}

function defineTask<Schema extends z.ZodType>(
  name: string,
  answerType: AnswerType | undefined,
  description: string,
  schema: Schema,
  load: (options: z.output<Schema>) => Task | Promise<Task>,
): TaskDefinition {
  return {
    name,
    answerType,
    description,
    load: async (options) => load(parseOptions(schema, options, `task ${name}`)),
  };
}

const definitions: readonly TaskDefinition[] = [
  defineTask(
    'arithmetic',
    'numeric',
    'generated a+b*c+d-e*f problems (options: min, max, count, seed)',
    arithmeticOptionsSchema,
    loadArithmetic,
  ),
  defineTask(
    'gsm8k',
    'numeric',
    'GSM8K JSONL {question, answer "… #### N"} (options: path)',
    gsm8kOptionsSchema,
    loadGsm8k,
  ),
  defineTask(
    'math',
    'math',
    'MATH as JSONL or the MATH/<split>/<subject>/<n>.json tree (options: path, levels, subjects)',
    mathOptionsSchema,
    loadMath,
  ),
  defineTask(
    'mmlu',
    'choice',
    'MMLU CSV files <subject>_<split>.csv (options: path, subjects)',
    mmluOptionsSchema,
    loadMmlu,
  ),
  defineTask(
    'jsonl',
    undefined,
    'any JSONL (options: path, questionField, answerField, idField, answerType)',
    jsonlOptionsSchema,
    loadJsonl,
  ),
];

/** The known task names, in a stable order. */
export const taskNames: readonly string[] = definitions.map((definition) => definition.name);

export function describeTasks(): { name: string; description: string }[] {
  return definitions.map(({ name, description }) => ({ name, description }));
}

/** The definition of `name`; an unknown name is UNKNOWN_NAME listing the known ones. */
export function taskDefinition(name: string): TaskDefinition {
  const definition = definitions.find((candidate) => candidate.name === name);
  if (definition === undefined) {
    throw new MaftError('UNKNOWN_NAME', `unknown task "${name}"; known tasks: ${taskNames.join(', ')}`, {
      field: 'task',
    });
  }
  return definition;
}

/**
 * Load a task's problems. `options` is validated by the task's schema (unknown keys are errors, so a flag
 * meant for another task is not silently ignored). Every problem the source holds after the task's filters,
 * in a stable order, ids unique.
 */
export async function loadTask(name: string, options: unknown = {}): Promise<Task> {
  const task = await taskDefinition(name).load(options);
  if (task.problems.length === 0) {
    // An empty file (or filters that keep nothing) is a mistake to say, not zero problems to print silently.
    const source = (options as { path?: unknown } | null)?.path;
    throw new MaftError(
      'INPUT_INVALID',
      `task ${name} has no problems here (an empty file, or filters that keep none)`,
      typeof source === 'string' ? { file: source } : { field: 'task' },
    );
  }
  return task;
}
