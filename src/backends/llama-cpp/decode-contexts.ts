/**
 * How many llama.cpp contexts decode side by side when the user does not say (docs/benchmarks.md, "Every core").
 *
 * On a CPU: one per core at 1 thread each. A context on one thread runs its whole graph on the calling thread —
 * no worker threads, so no spin-waiting at barriers — and its reply is decoded alone, bit-exact for its seed. When
 * other processes take cores, k such decoders share what is left the way any k single-threaded processes do
 * (each slows in proportion), instead of the collapse of multi-threaded decoding, whose workers spin while one
 * of them waits for a core (2 threads beside a test suite: 6× slower than on an idle machine). With more
 * threads per context, the contexts that fit in the cores. With a GPU: 1 (its sequences batch instead).
 *
 * Each context's decode runs on libuv's thread pool, 4 threads by default: beyond 3–4 contexts set
 * UV_THREADPOOL_SIZE before the pool starts (the CLI sets it to cores + 2; a library user sets it in the
 * environment), or the extra contexts wait for a pool thread.
 */
import os from 'node:os';

export function defaultDecodeContexts(threads: number, gpu: false | 'auto', cores = os.availableParallelism()): number {
  if (gpu !== false) return 1;
  return Math.max(1, Math.floor(cores / Math.max(1, threads)));
}
