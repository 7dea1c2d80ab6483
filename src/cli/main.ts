#!/usr/bin/env node
import { main } from './program.js';

// The `maft` command is bin/maft.cjs, which sizes libuv's thread pool for the decoding contexts before loading
// this module (an ES module is too late: the pool has started by its first line). Run directly, this file keeps
// whatever pool UV_THREADPOOL_SIZE gave it.

// A closed pipe (`maft problems … | head`) is a normal way for a reader to stop.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
