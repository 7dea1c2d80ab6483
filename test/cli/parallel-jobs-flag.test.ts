/**
 * `--parallel-jobs <n>` (src/cli/parallel-jobs-flag.ts): a whole number within trainer.parallelJobs's bounds, else
 * one CONFIG_INVALID line that names the flag; only for the embedded trainer. That the flag reaches the train
 * stage without changing the run's stored config: test/finetune/finetune-command.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkParallelJobsFlag, parallelJobsFlag } from '../../src/cli/parallel-jobs-flag.js';
import { embeddedDefaultConfig, resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { caught } from '../tasks/expect-error.js';

describe('--parallel-jobs', () => {
  it('takes a whole number from 1 to 256; absent stays absent', () => {
    expect(parallelJobsFlag(undefined)).toBeUndefined();
    expect(parallelJobsFlag('1')).toBe(1);
    expect(parallelJobsFlag('3')).toBe(3);
    expect(parallelJobsFlag('256')).toBe(256);
  });

  it('refuses anything else with one CONFIG_INVALID line naming the flag', async () => {
    for (const [text, message] of [
      ['0', 'expected a whole number from 1 to 256, got "0"'],
      ['257', 'expected a whole number from 1 to 256, got "257"'],
      ['-2', 'expected a whole number from 1 to 256, got "-2"'],
      ['1.5', 'expected a whole number, got "1.5"'],
      ['two', 'expected a number, got "two"'],
      ['', 'expected a number, got ""'],
    ] as const) {
      const error = await caught(() => parallelJobsFlag(text));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.location.field).toBe('--parallel-jobs');
      expect(error.message).toContain(message);
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });

  it('is refused for a trainer that runs its jobs elsewhere', async () => {
    const embedded = (await resolveRunConfig(embeddedDefaultConfig(), 'embedded default config')).config;
    expect(() => checkParallelJobsFlag(2, embedded)).not.toThrow();
    const hosted = (
      await resolveRunConfig(
        { ...embeddedDefaultConfig(), trainer: { kind: 'command', command: ['bash', 'train.sh'] } },
        'test config',
      )
    ).config;
    expect(() => checkParallelJobsFlag(undefined, hosted)).not.toThrow();
    const error = await caught(() => checkParallelJobsFlag(2, hosted));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("this run's trainer.kind is command");
  });
});
