import type { DebateProgress } from '../debate/run-debates.js';

/**
 * The bars on a terminal now, one per running stage: `maft run`'s method chains run stages side by side
 * (pipeline/method-chains.ts), so the redrawn line holds every running stage's bar, each naming its stage.
 */
const boards = new WeakMap<NodeJS.WriteStream, Map<symbol, string>>();

function boardOf(stream: NodeJS.WriteStream): Map<symbol, string> {
  let board = boards.get(stream);
  if (board === undefined) boards.set(stream, (board = new Map()));
  return board;
}

/** Redraw the bars' line, cut to the terminal's width (a wrapped line could not be redrawn in place). */
function redraw(stream: NodeJS.WriteStream): void {
  const bars = [...boardOf(stream).values()];
  if (bars.length === 0) return;
  const line = bars.join('  |  ');
  const width = stream.columns;
  stream.write(`\r${width !== undefined && width > 1 && line.length >= width ? line.slice(0, width - 1) : line}\x1b[K`);
}

/**
 * A line for people on `stream` (stderr): on a terminal with bars drawn, the bars' line is cleared first and
 * redrawn below it, so a line of another stage never lands in the middle of a bar.
 */
export function writeProgressLine(line: string, stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY !== true || boardOf(stream).size === 0) {
    stream.write(`${line}\n`);
    return;
  }
  stream.write(`\r\x1b[K${line}\n`);
  redraw(stream);
}

/**
 * Progress of a long stage on stderr (stdout is for results): a redrawn bar on a terminal, plain lines
 * (at most one every `plainIntervalMs`, plus the last) when stderr is a file or pipe, as in CI logs. Every line
 * starts with the stage's label, so two stages' lines interleaved stay readable.
 */
export function createProgressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  plainIntervalMs = 10_000,
): { update(progress: DebateProgress): void; finish(): void } {
  const interactive = stream.isTTY === true;
  let lastPlain = -Infinity;
  let lastLine = '';
  let lastBar = '';
  const me = Symbol(label);
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
        lastBar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${lastLine}`;
        boardOf(stream).set(me, lastBar);
        redraw(stream);
      } else if (progress.elapsedMs - lastPlain >= plainIntervalMs || progress.done === progress.total) {
        lastPlain = progress.elapsedMs;
        stream.write(`${lastLine}\n`);
      }
    },
    finish() {
      if (!interactive || lastLine === '') return;
      const board = boardOf(stream);
      board.delete(me);
      if (board.size === 0) {
        stream.write('\n'); // the bar stays as the stage's last line
        return;
      }
      stream.write(`\r${lastBar}\x1b[K\n`); // this stage's last bar on its own line, the others' redrawn below
      redraw(stream);
    },
  };
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}
