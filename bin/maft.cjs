#!/usr/bin/env node
'use strict';
// The `maft` command: size libuv's thread pool (thread-pool.cjs says why it cannot be done in the CLI's ES module),
// then run the CLI, whose main.ts prints every error of its own.
require('./thread-pool.cjs');

import('../dist/cli/main.js').catch((error) => {
  // Only a missing build is this file's to explain; anything else keeps Node's report (and stack).
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('maft: error: dist/cli/main.js is missing: build it with `npm run build` (npm ci does)\n');
    process.exitCode = 1;
    return;
  }
  throw error;
});
