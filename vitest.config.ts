import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Two tiers (`npm test` runs both; README, CI):
 * - fast (`npm run test:fast`): pure cores and the tiny-model engine tests, in process — the developer's loop.
 * - slow (`npm run test:slow`): end to end through the CLI (every command a process), kill -9 and resume,
 *   learning, the llama-server backend, the report in Chromium.
 * Timeouts are guards against a hang, not speed limits: a test asserts what the code does, never how fast it
 * does it (speed is measured in bench/), so a loaded machine slows the suite down without failing it.
 */
export const slowTests = [
  'test/pipeline/run-command.test.ts',
  'test/pipeline/stage-commands.test.ts',
  'test/cli/debate.test.ts',
  'test/cli/debate-kill-resume.test.ts',
  'test/cli/grade.test.ts',
  'test/run-store/kill-resume.test.ts',
  'test/finetune/arithmetic-learning.test.ts',
  'test/finetune/finetune-command.test.ts',
  'test/finetune/parallel-jobs.test.ts',
  'test/trainers/openai-run-kill.test.ts',
  'test/trainers/cancel-killed-run.test.ts',
  'test/trainers/command-trainer-run.test.ts',
  'test/finetune-data/build-data-command.test.ts',
  'test/finetune-data/build-data-engine.test.ts',
  'test/trainer/learning.test.ts',
  'test/backends/llama-server/**/*.test.ts',
  'test/examples/llama-server-example.test.ts',
  'test/backends/openai-compatible/debate-through-faults.test.ts',
  'test/report/report-chromium.test.ts',
  'test/integrity/foreign-record.test.ts',
  'test/pipeline/diversity-stage.test.ts',
  'test/pipeline/reuse-run.test.ts',
  'test/pipeline/method-chains-run.test.ts',
  'test/pipeline/nodebate-run.test.ts',
  'test/pipeline/extend-run.test.ts',
  'test/finetune/registry-concurrency.test.ts',
  'test/tools/base-model/model-card.test.ts',
  'test/tools/base-model/three-stage-card.test.ts',
  'test/serve/serve-command.test.ts',
  'test/serve/serve-faults.test.ts',
  'test/vllm/vllm-run.test.ts',
  'test/trainers/hf-run-cuda-failure.test.ts',
  'test/status/status-command.test.ts',
  'test/finetune-data/label-accuracy-run.test.ts',
];

/**
 * The slowest files, longest first (approximate is enough; from CI's per-file times, scaled by what each file's
 * last cut saved when measured alone): started first, so that the two workers end together instead of one starting
 * a long file when the other is nearly done. Vitest's own order, without a results cache (a fresh clone), is the
 * fast tier, then the slow tier by file size, which put several of these last.
 */
export const longestFirst = [
  'test/pipeline/run-command.test.ts',
  'test/pipeline/method-chains-run.test.ts',
  'test/examples/llama-server-example.test.ts',
  'test/vllm/vllm-run.test.ts',
  'test/pipeline/stage-commands.test.ts',
  'test/trainers/hf-run-cuda-failure.test.ts',
];

/** The files of `longestFirst` in its order, then the rest of the slow tier, then the fast tier (vitest's order within each). */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const listed = longestFirst.indexOf(path.relative(this.ctx.config.root, file.moduleId).split(path.sep).join('/'));
      if (listed >= 0) return listed;
      return file.project.name === 'fast' ? longestFirst.length + 1 : longestFirst.length;
    };
    return sorted
      .map((file, index) => ({ file, index, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
    // The machine has 2 cores; engine tests pin their own thread counts.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: slowTests,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      { test: { name: 'slow', include: slowTests, testTimeout: 3_600_000, hookTimeout: 600_000 } },
    ],
  },
});
