/**
 * Fault injection for the kill tests: a crash at an exact point is what a real `kill -9` cannot be timed
 * to hit on demand. When `MAFT_CRASH_AT` names this point, the process kills itself with SIGKILL, exactly
 * as an outside kill would (no cleanup, no flush). Points are `<stage id>:<event>`, e.g.
 * `base/eval:record-2`, `multiagent-ft/iteration-1/data:file-1`, `multiagent-ft/iteration-1/train:step-3`.
 * Unset (always, outside tests), this is one string comparison.
 */
export function crashPoint(point: string): void {
  if (process.env.MAFT_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
