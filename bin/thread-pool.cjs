'use strict';
// libuv's thread pool, sized for maft's decoding before anything starts it.
//
// Each llama.cpp context decodes as a node-llama-cpp async worker on libuv's thread pool, 4 threads unless
// UV_THREADPOOL_SIZE says otherwise, and libuv reads that variable once, when the pool first starts. An ES module
// cannot set it in time: Node's ES module loader reads the entry file through the pool, so the pool has started
// before the entry module's first line runs. This CommonJS file is loaded synchronously and sets it first.
//
// Size: 4 per core + 2, room for the default 2 one-thread contexts a core (src/backends/llama-cpp/decode-contexts.ts)
// and for `backend.contexts` up to 4 a core, plus file I/O. An idle pool thread costs nothing but its stack's address
// space. A value the user set is kept.
const os = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(Math.min(1024, 4 * os.availableParallelism() + 2));
