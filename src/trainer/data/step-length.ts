/**
 * The length one optimizer step is computed at (pure): its windows' longest used length (the tokens of their
 * examples), rounded up to a multiple of `granularity` so a job builds few graph shapes, and never more than
 * the planned window length. Rows past the last example are padding that attends only to itself and carries no
 * loss, so leaving them out changes no example's loss or gradient: only what the step costs.
 */
import type { PackedWindow } from './pack-windows.js';

export function stepLength(windows: readonly PackedWindow[], windowLength: number, granularity = 64): number {
  let used = 0;
  for (const window of windows) {
    let length = 0;
    for (const segment of window.segments) length += segment.tokens.length;
    used = Math.max(used, length);
  }
  return Math.min(windowLength, Math.max(granularity, Math.ceil(used / granularity) * granularity));
}
