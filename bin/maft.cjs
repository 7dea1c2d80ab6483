#!/usr/bin/env node
'use strict';
// The `maft` command: size libuv's thread pool (thread-pool.cjs says why it cannot be done in the CLI's ES module),
// then run the CLI.
require('./thread-pool.cjs');

import('../dist/cli/main.js').catch((error) => {
  process.stderr.write(`maft: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
