import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, isProcessAlive } from '../../src/run-store/process-lock.js';
import { caught } from '../tasks/expect-error.js';
import { temporaryDirectory } from './temporary-directory.js';

const directory = temporaryDirectory('lock');
let counter = 0;
const freshLock = (): string => path.join(directory, `lock-${++counter}`);
const owner = (pid: number, hostname = os.hostname()): string =>
  JSON.stringify({ pid, hostname, startedAt: '2025-01-01T00:00:00.000Z', command: ['maft', 'run', 'other.yaml'] });

/** A pid that surely belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(isProcessAlive(child.pid)).toBe(false);
  return child.pid;
}

const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
afterAll(() => {
  sleeper.kill('SIGKILL');
});

describe('process lock', () => {
  it('is taken, refused to a second taker, and released', async () => {
    const file = freshLock();
    const lock = acquireLock(file, ['maft', 'run']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, command: ['maft', 'run'] });
    expect(lock.takenOverFrom).toBeUndefined();
    expect((await caught(() => acquireLock(file, ['again']))).message).toBe('the run is already open in this process');
    lock.release();
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a stale lock left by a dead pid', () => {
    const file = freshLock();
    const pid = deadPid();
    writeFileSync(file, owner(pid));
    const lock = acquireLock(file, ['maft', 'run']);
    expect(lock.takenOverFrom?.pid).toBe(pid);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('refuses a lock held by a live process, naming it', async () => {
    const file = freshLock();
    expect(sleeper.pid).toBeDefined();
    writeFileSync(file, owner(sleeper.pid as number));
    const error = await caught(() => acquireLock(file, ['maft', 'run']));
    expect(error.code).toBe('RUN_LOCKED');
    expect(error.toOneLine()).toBe(
      `${file}: the run is in use by pid ${sleeper.pid} (maft run other.yaml, since 2025-01-01T00:00:00.000Z); ` +
        'wait for it to finish or stop it (if that pid is not maft, delete the lock file)',
    );
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(sleeper.pid); // untouched
  });

  it('refuses a lock from another host (its pid cannot be checked from here)', async () => {
    const file = freshLock();
    writeFileSync(file, owner(deadPid(), 'elsewhere'));
    expect((await caught(() => acquireLock(file, []))).message).toContain('on host elsewhere');
  });

  it('takes over an unreadable lock, and sweeps pending files of dead pids', () => {
    const file = freshLock();
    writeFileSync(file, 'garbage');
    const pending = `${file}.pending-${deadPid()}`;
    writeFileSync(pending, owner(1));
    const lock = acquireLock(file, []);
    expect(lock.takenOverFrom).toBeUndefined();
    expect(existsSync(pending)).toBe(false);
    lock.release();
  });
});
