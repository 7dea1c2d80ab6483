/**
 * How many llama.cpp contexts decode side by side when the user does not say (docs/benchmarks.md, "Every core").
 *
 * On a CPU at 1 thread a context: two per core. A context on one thread runs its whole graph on the calling thread —
 * no worker threads, so no spin-waiting at barriers — and its reply is decoded alone, bit-exact for its seed. But
 * between two tokens it waits: the decode returns to Node's main thread, which samples and asks for the next one,
 * and its core idles meanwhile; a second context a core decodes in those gaps (`npm run bench:every-core`, shipped
 * model, 2 cores, two idle runs: 742 and 1102 tok/s at 4 contexts against 673 and 849 at 2; problemConcurrency 16,
 * which keeps them busy through each debate round's end, helps on long stages, not always on 48 problems). Since such contexts never spin, more of them than cores degrade the
 * way any single-threaded processes do when other work takes cores (each slows in proportion), not like
 * multi-threaded decoding, whose workers spin while one of them waits for a core (2 threads beside a test suite: 6×
 * slower than on an idle machine). With more threads a context: the contexts that fit in the cores, never more.
 * With a GPU: 1 (its sequences batch instead).
 *
 * Each context's decode runs on libuv's thread pool: the `maft` command sizes it (bin/thread-pool.cjs, 4 threads a
 * core + 2); a library user sets UV_THREADPOOL_SIZE in the environment, or the extra contexts wait for a pool thread.
 */
import os from 'node:os';

export function defaultDecodeContexts(threads: number, gpu: false | 'auto', cores = os.availableParallelism()): number {
  if (gpu !== false) return 1;
  if (threads <= 1) return 2 * cores;
  return Math.max(1, Math.floor(cores / threads));
}
