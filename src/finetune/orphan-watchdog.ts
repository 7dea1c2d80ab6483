/**
 * A trainer child whose parent died (kill -9: the parent cannot stop it) must stop by itself, and promptly:
 * a training step is one long synchronous ggml call, so a check on the main thread runs only between steps
 * (seconds apart on long windows). A worker thread polls the parent pid instead and, the moment the child
 * has been re-parented, ends the whole process. Nothing is lost: results are written atomically, so an
 * unfinished job left no file, and the resumed run trains it again.
 */
import { Worker } from 'node:worker_threads';

/** How often the worker looks at the parent pid, in milliseconds. */
export const watchdogIntervalMs = 100;

const watchdogSource = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}, workerData.interval);
`;

/** Start watching (call once, in the child). The worker never keeps the process alive by itself. */
export function exitWhenOrphaned(parent: number = process.ppid): void {
  const worker = new Worker(watchdogSource, { eval: true, workerData: { parent, interval: watchdogIntervalMs } });
  worker.unref();
}
