#!/usr/bin/env node
import os from 'node:os';
import { main } from './program.js';

// Each llama.cpp context decodes on libuv's thread pool (node-llama-cpp's async workers), 4 threads unless told:
// one per core plus room for file I/O, so that every core's context can decode at once. Read when the pool first
// starts, which nothing has asked for yet at this point.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() + 2));

// A closed pipe (`maft problems … | head`) is a normal way for a reader to stop.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
