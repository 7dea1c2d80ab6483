// bin/thread-pool.cjs sizes libuv's thread pool before the pool starts, which is what lets the default 2 decoding
// contexts a core decode at once (an ES module setting UV_THREADPOOL_SIZE is too late). The probe fills all but one
// of the pool's threads with opens of FIFOs that have no writer (each blocks its thread without using a core) and
// asks for a stat: it completes only if a thread is left.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const threadPool = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/thread-pool.cjs');
const directory = mkdtempSync(path.join(os.tmpdir(), 'maft-pool-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Block `blocked` pool threads, then report whether a stat still gets a thread within `waitMs`. */
function probe(blocked: number, env: NodeJS.ProcessEnv, load: 'commonjs' | 'module', waitMs = 3000) {
  const fifos = Array.from({ length: blocked }, (_, index) => path.join(directory, `${load}-${blocked}-${index}`));
  for (const fifo of fifos) expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const body = `
    const report = (text) => { fs.writeSync(1, text + ' ' + process.env.UV_THREADPOOL_SIZE); process.kill(process.pid, 'SIGKILL'); };
    for (const fifo of ${JSON.stringify(fifos)}) fs.open(fifo, 'r', () => {});
    setTimeout(() => report('blocked'), ${waitMs});
    fs.stat(${JSON.stringify(threadPool)}, () => report('free'));`;
  const source =
    load === 'commonjs'
      ? `require(${JSON.stringify(threadPool)}); const fs = require('node:fs');${body}`
      : `import fs from 'node:fs'; import { createRequire } from 'node:module'; createRequire(import.meta.url)(${JSON.stringify(threadPool)});${body}`;
  const file = path.join(directory, `probe-${load}-${blocked}.${load === 'commonjs' ? 'cjs' : 'mjs'}`);
  writeFileSync(file, source);
  const result = spawnSync(process.execPath, [file], { env, encoding: 'utf8', timeout: 30_000 });
  const [state, size] = result.stdout.split(' ');
  return { state, size: Number(size) };
}

describe('bin/thread-pool.cjs', () => {
  const { UV_THREADPOOL_SIZE: _unset, ...env } = process.env;
  const size = Math.min(1024, 4 * os.availableParallelism() + 2);

  it('gives libuv 4 threads a core + 2 when loaded first, as bin/maft.cjs loads it', () => {
    expect(probe(size - 1, env, 'commonjs', 20_000)).toEqual({ state: 'free', size });
  });

  it('is too late from an ES module: the pool already runs with its 4 threads (why bin/maft.cjs exists)', () => {
    expect(probe(4, env, 'module')).toEqual({ state: 'blocked', size });
  });

  it("keeps the user's UV_THREADPOOL_SIZE", () => {
    expect(probe(3, { ...env, UV_THREADPOOL_SIZE: '3' }, 'commonjs')).toEqual({ state: 'blocked', size: 3 });
  });
});

describe('bin/maft.cjs', () => {
  it('says in one line that dist/ is missing, instead of a stack trace', () => {
    const copy = path.join(directory, 'unbuilt');
    cpSync(path.dirname(threadPool), path.join(copy, 'bin'), { recursive: true });
    const result = spawnSync(process.execPath, [path.join(copy, 'bin', 'maft.cjs'), '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'maft: error: dist/cli/main.js is missing: build it with `npm run build` (npm ci does)\n',
    );
  });
});
