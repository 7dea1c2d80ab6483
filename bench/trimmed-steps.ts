/**
 * Training steps computed at their used length (`trimPadding`, the default) against every step at the full
 * window, on the real training jobs of a run: the plans `maft run` wrote for one method's iteration
 * (artifacts/jobs/models/<method>/iteration-<k>/*.plan.json: tokenized rows, window = the model's context).
 * Each plan is trained both ways, one after the other, in this process on one thread; prints each job's seconds
 * both ways, the ratio, the share of window tokens computed, and how far the per-step losses moved.
 *   npx maft run && npm run bench:trimmed-steps -- [--run runs/default] [--method multiagent-ft] [--iteration 1]
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { train } from '../src/trainer/train.js';
import type { TrainingPlan } from '../src/trainer/training-plan.js';
import { scratchDirectory } from './scratch-directory.js';

const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const run = flag('run', 'runs/default');
const method = flag('method', 'multiagent-ft');
const iteration = flag('iteration', '1');
const jobs = path.join(run, 'artifacts', 'jobs', 'models', method, `iteration-${iteration}`);
const plans = readdirSync(jobs)
  .filter((name) => name.endsWith('.plan.json'))
  .sort();
if (plans.length === 0) throw new Error(`no training plans in ${jobs} (run \`npx maft run\` first)`);
const directory = scratchDirectory('trimmed-steps');

console.log(
  `trimmed steps: ${plans.length} jobs of ${jobs}, 1 thread, ${os.availableParallelism()} cores, node ${process.version}, ` +
    `load average ${os.loadavg()[0]?.toFixed(2)} at the start`,
);
let trimmedTotal = 0;
let fullTotal = 0;
for (const name of plans) {
  const plan = JSON.parse(readFileSync(path.join(jobs, name), 'utf8')) as TrainingPlan;
  const measured = [];
  for (const trimPadding of [false, true]) {
    const losses: number[] = [];
    const started = performance.now();
    const result = await train(
      { ...plan, threads: 1, trimPadding, outputPath: path.join(directory, `${trimPadding}-${name}.gguf`) },
      (progress) => losses.push(progress.loss),
    );
    measured.push({ seconds: (performance.now() - started) / 1000, share: result.computedShare, losses });
  }
  const [full, trimmed] = measured as [(typeof measured)[0], (typeof measured)[0]];
  fullTotal += full.seconds;
  trimmedTotal += trimmed.seconds;
  const moved = Math.max(
    ...trimmed.losses.map((loss, index) => Math.abs(loss - full.losses[index]!) / full.losses[index]!),
  );
  console.log(
    `  ${name.replace('.plan.json', '').padEnd(20)} ${plan.examples.length} rows, ${full.losses.length} steps: ` +
      `full window ${full.seconds.toFixed(1)} s, trimmed ${trimmed.seconds.toFixed(1)} s (×${(full.seconds / trimmed.seconds).toFixed(2)} faster, ` +
      `${(trimmed.share * 100).toFixed(0)}% of window tokens computed); largest relative loss change ${moved.toExponential(1)}`,
  );
}
console.log(
  `all ${plans.length} jobs: full window ${fullTotal.toFixed(1)} s, trimmed ${trimmedTotal.toFixed(1)} s: ×${(fullTotal / trimmedTotal).toFixed(2)} faster ` +
    `(load average ${os.loadavg()[0]?.toFixed(2)} at the end)`,
);
