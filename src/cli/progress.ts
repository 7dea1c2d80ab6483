import type { DebateProgress } from '../debate/run-debates.js';

/**
 * Progress of a long stage on stderr (stdout is for results): a redrawn bar on a terminal, plain lines
 * (at most one every `plainIntervalMs`, plus the last) when stderr is a file or pipe, as in CI logs.
 */
export function createProgressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  plainIntervalMs = 10_000,
): { update(progress: DebateProgress): void; finish(): void } {
  const interactive = stream.isTTY === true;
  let lastPlain = -Infinity;
  let lastLine = '';
  return {
    update(progress) {
      const fresh = progress.done - progress.resumed;
      const seconds = progress.elapsedMs / 1000;
      const tokensPerSecond = seconds > 0 ? progress.completionTokens / seconds : 0;
      const eta = fresh > 0 ? ((progress.total - progress.done) * seconds) / fresh : undefined;
      const share = progress.total === 0 ? 1 : progress.done / progress.total;
      const parts = [
        `${label} ${progress.done}/${progress.total}`,
        progress.resumed > 0 ? `(${progress.resumed} resumed)` : '',
        `${tokensPerSecond.toFixed(1)} tok/s`,
        eta === undefined ? '' : `ETA ${formatDuration(eta)}`,
      ].filter((part) => part !== '');
      lastLine = parts.join('  ');
      if (interactive) {
        const width = 24;
        const filled = Math.round(share * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${lastLine}\x1b[K`);
      } else if (progress.elapsedMs - lastPlain >= plainIntervalMs || progress.done === progress.total) {
        lastPlain = progress.elapsedMs;
        stream.write(`${lastLine}\n`);
      }
    },
    finish() {
      if (interactive && lastLine !== '') stream.write('\n');
    },
  };
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}
