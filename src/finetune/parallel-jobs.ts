/**
 * How many embedded training jobs run at once when the user does not say (`trainer.parallelJobs`;
 * docs/trainers.md, "Jobs and threads"; docs/benchmarks.md, "Training jobs per core").
 *
 * One per core divided by the trainer's threads (1 by default), so jobs × threads never exceeds the cores. Each
 * job is its own child process with its own ggml graph: at 1 thread a graph runs on the calling thread alone, with
 * no worker to spin at a barrier, so when other processes take cores the jobs slow in proportion like any
 * single-threaded processes instead of collapsing as multi-threaded ggml does when one spinning worker waits for a
 * core. The count is chosen when the stage starts (os.availableParallelism()), never recorded with the models: a
 * job's adapter is the same file at any count, so a run resumed on another machine uses that machine's cores.
 */
import os from 'node:os';

export function defaultParallelJobs(threads: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, threads)));
}
