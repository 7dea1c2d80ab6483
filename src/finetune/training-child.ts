/**
 * The child process a training job runs in (a failed ggml assertion aborts its whole process, so the parent
 * must survive it). Reads the plan file named on the command line, trains, and reports over the IPC channel:
 * `{type: 'progress', progress}` per step, then `{type: 'result', result}` or `{type: 'error', code, message}`.
 */
import { readFileSync } from 'node:fs';
import { isMaftError } from '../errors/maft-error.js';
import { exitWhenOrphaned } from './orphan-watchdog.js';
import { train } from '../trainer/train.js';
import type { TrainingPlan } from '../trainer/training-plan.js';

const send = (message: unknown): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    } else process.send(message, () => resolve());
  });

const planFile = process.argv[2];
try {
  if (planFile === undefined) throw new Error('usage: training-child <plan.json>');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as TrainingPlan;
  // A parent killed outright (kill -9) cannot stop its child: the child notices it was re-parented and stops,
  // so an abandoned job never keeps the CPU (or finishes a file the resumed run is writing again). The worker
  // notices even in the middle of a step; the check between steps stays as a second line.
  const parent = process.ppid;
  exitWhenOrphaned(parent);
  const result = await train(plan, (progress) => {
    if (process.ppid !== parent) process.exit(3);
    void send({ type: 'progress', progress });
  });
  await send({ type: 'result', result });
  process.exitCode = 0;
} catch (error) {
  await send(
    isMaftError(error)
      ? { type: 'error', code: error.code, message: error.message }
      : {
          type: 'error',
          code: 'INTERNAL',
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        },
  );
  process.exitCode = 1;
}
process.disconnect?.();
