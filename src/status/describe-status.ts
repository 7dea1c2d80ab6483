/**
 * Where a `maft run` stands (pure): each planned stage's state, what the running one has finished, and what
 * is left — from the plan, the manifest's markers and the records counted so far.
 */
import type { StageMarker } from '../run-store/manifest.js';
import type { PlannedStage } from '../run-store/run-plan.js';

export interface StageStatus {
  id: string;
  state: 'pending' | 'running' | 'done';
  iteration: number;
  /** Records finished (debates, STaR attempts), with the problems the stage answers. */
  records?: { done: number; total: number };
  seconds?: number;
  /** Training stages: rows cut at the head to fit the window, and rows left out (their reply alone does not fit). */
  windowCuts?: { truncatedRows: number; droppedRows: number };
}

export interface RunStatus {
  stages: StageStatus[];
  done: number;
  total: number;
  /** The stage being worked on (running), or the next one (pending), or null when finished. */
  current: StageStatus | null;
  iteration: number;
  finished: boolean;
}

export function describeStatus(
  plan: readonly PlannedStage[],
  markers: Readonly<Record<string, StageMarker>>,
  recordCount: (stage: PlannedStage) => number,
  problems: { finetune: number; eval: number; diversity?: number },
): RunStatus {
  const stages = plan.map((stage): StageStatus => {
    const marker = markers[stage.id];
    const state = marker?.state ?? 'pending';
    const seconds =
      marker?.finishedAt !== undefined
        ? (Date.parse(marker.finishedAt) - Date.parse(marker.startedAt)) / 1000
        : undefined;
    const answers = stage.kind === 'debate' || stage.kind === 'star-attempts';
    const details = (marker?.details ?? {}) as { truncatedRows?: unknown; droppedRows?: unknown };
    const cuts =
      typeof details.truncatedRows === 'number'
        ? { truncatedRows: details.truncatedRows, droppedRows: Number(details.droppedRows ?? 0) }
        : undefined;
    return {
      id: stage.id,
      state,
      iteration: stage.iteration,
      ...(answers
        ? { records: { done: recordCount(stage), total: stage.split === 'eval' ? problems.eval : problems.finetune } }
        : {}),
      ...(stage.kind === 'diversity'
        ? { records: { done: recordCount(stage), total: Math.min(problems.diversity ?? 0, problems.eval) } }
        : {}),
      ...(seconds !== undefined ? { seconds } : {}),
      ...(cuts !== undefined ? { windowCuts: cuts } : {}),
    };
  });
  const current =
    stages.find((stage) => stage.state === 'running') ?? stages.find((stage) => stage.state === 'pending') ?? null;
  const done = stages.filter((stage) => stage.state === 'done').length;
  return {
    stages,
    done,
    total: stages.length,
    current,
    iteration: current?.iteration ?? stages.at(-1)?.iteration ?? 0,
    finished: done === stages.length,
  };
}

export function formatStatus(status: RunStatus, title: string, owner: string | null): string {
  const lines = [title];
  lines.push(
    `  ${status.finished ? 'finished' : `iteration ${status.iteration}, ${status.done} of ${status.total} stages done`}${owner ? ` · ${owner}` : ''}`,
  );
  for (const stage of status.stages) {
    const mark = stage.state === 'done' ? '✔' : stage.state === 'running' ? '…' : ' ';
    const records = stage.records ? ` ${stage.records.done}/${stage.records.total}` : '';
    const time = stage.seconds !== undefined ? ` ${stage.seconds.toFixed(0)} s` : '';
    const cuts =
      stage.windowCuts && stage.windowCuts.truncatedRows + stage.windowCuts.droppedRows > 0
        ? `  (${stage.windowCuts.truncatedRows} rows cut, ${stage.windowCuts.droppedRows} left out to fit the window)`
        : '';
    lines.push(`  ${mark} ${stage.id.padEnd(40)} ${stage.state.padEnd(8)}${records}${time}${cuts}`);
  }
  if (!status.finished && status.current) {
    lines.push(
      `  next: ${status.current.id}; ${status.total - status.done} stage(s) left — run the same maft run command to continue`,
    );
  }
  return `${lines.join('\n')}\n`;
}
