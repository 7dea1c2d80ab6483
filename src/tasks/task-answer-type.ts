import { MaftError } from '../errors/maft-error.js';
import { answerTypes, type AnswerType } from '../spec/problem.js';
import { taskDefinition } from './registry.js';

/**
 * The answer type a task's outputs are graded with: the task's own, or `override` (required for tasks whose
 * answer type the user chooses, such as jsonl).
 */
export function answerTypeOfTask(task: string, override?: string): AnswerType {
  const definition = taskDefinition(task);
  if (override !== undefined) {
    if (!(answerTypes as readonly string[]).includes(override)) {
      throw new MaftError('CONFIG_INVALID', `expected one of ${answerTypes.join(', ')}, got "${override}"`, {
        field: '--answer-type',
      });
    }
    return override as AnswerType;
  }
  if (definition.answerType === undefined) {
    throw new MaftError('CONFIG_INVALID', `task ${task} needs --answer-type (${answerTypes.join(' | ')})`, {
      field: '--answer-type',
    });
  }
  return definition.answerType;
}
