/**
 * `maft status`'s text (pure): one line per stage, then what runs now and what comes next per chain
 * (docs/status.md). The same facts as `--json`, in the same words.
 */
import type { RunStatus, StageStatus } from './describe-status.js';

const marks: Record<StageStatus['state'], string> = { done: '✔', running: '…', interrupted: '!', pending: ' ' };

/** `owner`: a line about the process that holds the run (`pid 123 is running it`), or null when none does. */
export function formatStatus(status: RunStatus, title: string, owner: string | null): string {
  const lines = [title];
  const holder = owner ?? (status.finished ? null : 'stopped: no process holds the run');
  lines.push(
    `  ${status.finished ? 'finished' : `${status.done} of ${status.total} stages done`}${holder ? ` · ${holder}` : ''}`,
  );
  for (const stage of status.stages) {
    const records = stage.records ? ` ${stage.records.done}/${stage.records.total}` : '';
    const time = stage.seconds !== undefined ? ` ${stage.seconds.toFixed(0)} s` : '';
    const cuts =
      stage.windowCuts && stage.windowCuts.truncatedRows + stage.windowCuts.droppedRows > 0
        ? `  (${stage.windowCuts.truncatedRows} rows cut, ${stage.windowCuts.droppedRows} left out to fit the window)`
        : '';
    lines.push(`  ${marks[stage.state]} ${stage.id.padEnd(40)} ${stage.state.padEnd(11)}${records}${time}${cuts}`);
  }
  if (status.running.length > 0) lines.push(`  running now: ${status.running.join(', ')}`);
  if (status.interrupted.length > 0)
    lines.push(
      `  interrupted (no process runs ${status.interrupted.length === 1 ? 'it' : 'them'}; the next maft run resumes where the records stop): ${status.interrupted.join(', ')}`,
    );
  if (!status.finished) {
    // A chain's running stage is its next one too: name only the others.
    const waiting = status.next.filter((id) => !status.running.includes(id));
    const chains = waiting.length > 1 ? 'next, one per chain, side by side' : 'next';
    const next = waiting.length > 0 ? `${chains}: ${waiting.join(', ')}; ` : '';
    const resume = owner === null ? ' — run the same maft run command to continue' : '';
    lines.push(`  ${next}${status.total - status.done} stage(s) left${resume}`);
  }
  return `${lines.join('\n')}\n`;
}
