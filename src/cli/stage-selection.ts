/**
 * `--method` and `--iteration` of the stage commands: which method's stage of which iteration, checked
 * against the run's config (a method the run does not evaluate, or an iteration past L, is refused).
 */
import type { Command } from 'commander';
import type { RunConfig } from '../config/run-config.js';
import { MaftError } from '../errors/maft-error.js';
import { finetuneMethodsOf, methodIterations } from '../run-store/run-plan.js';
import type { FinetuneMethod } from '../spec/methods.js';

export interface StageFlags {
  method?: string;
  iteration?: string;
}

export interface StageSelection {
  method: FinetuneMethod;
  iteration: number;
}

export function addStageOptions(command: Command, iterationHelp: string): Command {
  return command
    .option(
      '--method <name>',
      "the finetuning method whose stage this is: multiagent-ft, single-agent-ft, majority-ft, star (default: the run's first)",
    )
    .option('--iteration <k>', iterationHelp);
}

export function selectStage(flags: StageFlags, config: RunConfig, defaultIteration: number, least = 1): StageSelection {
  const methods = finetuneMethodsOf(config.methods);
  const method = (flags.method ?? methods[0] ?? 'multiagent-ft') as FinetuneMethod;
  const iteration = flags.iteration === undefined ? defaultIteration : Number(flags.iteration);
  const last = methods.includes(method) ? methodIterations(config, method) : config.iterations;
  if (!Number.isInteger(iteration) || iteration < least || iteration > last) {
    throw new MaftError(
      'CONFIG_INVALID',
      `expected a whole number from ${least} to the run's ${last} iterations of ${method}, got "${flags.iteration}"`,
      { field: '--iteration' },
    );
  }
  if (flags.method !== undefined && !methods.includes(method)) {
    throw new MaftError(
      'UNKNOWN_NAME',
      `${JSON.stringify(flags.method)} is not a finetuning method of this run (methods: ${methods.join(', ') || 'none'})`,
      { field: '--method' },
    );
  }
  return { method, iteration };
}
