/**
 * One writer per run directory: a `lock` file holding the owner's pid. Two processes appending to one run
 * would duplicate work and interleave records, so a lock held by a live process is refused; a lock left by a
 * process that died (kill -9, a crash) is stale and taken over, which is what makes "restart the same command"
 * work after any crash.
 *
 * The lock file appears whole or not at all: it is written to a temporary file and hard-linked into place
 * (`link` fails if the target exists, atomically). Known limit: two processes taking over the same stale lock
 * in the same microseconds could both win; that needs a stale lock *and* two concurrent restarts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import { writeAll } from './atomic-file.js';

export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The command line of the owner, to tell the user what holds the run. */
  command: readonly string[];
}

export interface ProcessLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** The stale owner this lock was taken over from, if any (worth a line in the log). */
  readonly takenOverFrom: LockOwner | undefined;
  /** True when a lock file maft could not read (not written by maft) was replaced. */
  readonly replacedUnreadable: boolean;
  /** Remove the lock if it is still ours. Idempotent. */
  release(): void;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(file: string, command: readonly string[], now: Date = new Date()): ProcessLock {
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: now.toISOString(), command };
  const text = `${JSON.stringify(owner)}\n`;
  let takenOverFrom: LockOwner | undefined;
  let replacedUnreadable = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(file, text)) {
      removeAbandonedPending(file);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        const current = readOwner(file);
        if (typeof current === 'object' && current.pid === owner.pid) fs.rmSync(file, { force: true });
      };
      return { file, owner, takenOverFrom, replacedUnreadable, release };
    }
    const holder = readOwner(file);
    if (holder === 'missing') continue; // released between our attempt and our read: try again
    if (holder !== undefined) refuseIfHeld(file, holder, owner);
    // Stale (a dead pid on this host) or unreadable (not written by maft): take it over.
    takenOverFrom = holder;
    replacedUnreadable ||= holder === undefined;
    fs.rmSync(file, { force: true });
  }
  throw new MaftError('RUN_LOCKED', 'could not take the lock: other processes keep taking it', { file });
}

function refuseIfHeld(file: string, holder: LockOwner, self: LockOwner): void {
  const who = `pid ${holder.pid} (${holder.command.join(' ') || 'unknown command'}, since ${holder.startedAt})`;
  if (holder.hostname !== self.hostname) {
    throw new MaftError(
      'RUN_LOCKED',
      `the run is held by ${who} on host ${holder.hostname}; if no maft process there uses it, delete the lock file`,
      { file },
    );
  }
  if (holder.pid === self.pid) throw new MaftError('RUN_LOCKED', 'the run is already open in this process', { file });
  if (isProcessAlive(holder.pid)) {
    throw new MaftError(
      'RUN_LOCKED',
      `the run is in use by ${who}; wait for it to finish or stop it (if that pid is not maft, delete the lock file)`,
      { file },
    );
  }
}

/** Create `file` with `text` unless it exists, never leaving a partly written lock. */
function createExclusively(file: string, text: string): boolean {
  // Not named like atomic-file's temporaries: those are swept while holding the lock, this one before.
  const temporary = `${file}.pending-${process.pid}`;
  const descriptor = fs.openSync(temporary, 'w');
  try {
    writeAll(descriptor, Buffer.from(text, 'utf8'));
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Remove `lock.pending-<pid>` files of dead processes (killed between writing and linking). */
function removeAbandonedPending(file: string): void {
  const directory = path.dirname(file);
  const prefix = `${path.basename(file)}.pending-`;
  for (const name of fs.readdirSync(directory)) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) {
      fs.rmSync(path.join(directory, name), { force: true });
    }
  }
}

/** The lock's owner; `'missing'` when there is no lock; `undefined` when it is not a maft lock. */
function readOwner(file: string): LockOwner | 'missing' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
    const command = Array.isArray(value.command) ? value.command.map(String) : [];
    return { pid: value.pid, hostname: value.hostname, startedAt: String(value.startedAt), command };
  } catch {
    return undefined;
  }
}
