/**
 * Where a `maft run` stands (pure): each planned stage's state, what the running ones have finished, and what
 * comes next in each chain — from the plan, the manifest's markers, the records counted so far and whether a live
 * process holds the run (docs/status.md).
 *
 * A marker says `running` from the moment a stage starts until it is done, so a stage whose process was killed
 * (or whose chain failed) keeps saying `running`. It is running only while a live process holds the run's lock and
 * marked it since taking the lock; otherwise it is `interrupted`: the next `maft run` restarts it where its
 * records stop. With the methods' chains side by side (pipeline/method-chains.ts) several stages run at once.
 */
import type { StageMarker } from '../run-store/manifest.js';
import type { PlannedStage } from '../run-store/run-plan.js';

/** `interrupted`: marked running by a process that no longer holds the run; a resume restarts it. */
export type StageStatusState = 'pending' | 'running' | 'interrupted' | 'done';

export interface StageStatus {
  id: string;
  state: StageStatusState;
  /** The chain the stage runs in: `base` for the base society's stages, else its method (see RunStatus.next). */
  chain: string;
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
  /** Ids of the stages a live process is working on now: several when the methods' chains run side by side. */
  running: string[];
  /** Ids of the stages left `running` by a process that is gone: the next `maft run` restarts them. */
  interrupted: string[];
  /**
   * Ids of the stages `maft run` works on next, one per chain that can run now: the base society's first stage not
   * done while any is left (the base stages come first, one at a time), then each method's first stage not done
   * when the chains run side by side, or the plan's first not done when one stage runs at a time. Running or
   * interrupted stages are their chain's next. Empty when finished.
   */
  next: string[];
  finished: boolean;
}

/** Who holds the run's lock, when it is a live process (null: nobody does, or its process is gone). */
export interface RunOwner {
  /** ISO time the process took the lock: markers older than it were left by an earlier process. */
  startedAt: string;
}

export interface StatusInput {
  plan: readonly PlannedStage[];
  markers: Readonly<Record<string, StageMarker>>;
  recordCount: (stage: PlannedStage) => number;
  problems: { finetune: number; eval: number; diversity?: number };
  owner: RunOwner | null;
  /** Whether `maft run` runs the methods' chains side by side (pipeline/method-chains.ts `chainsSideBySide`). */
  sideBySide: boolean;
}

export function describeStatus(input: StatusInput): RunStatus {
  const { plan, markers, recordCount, problems, owner } = input;
  const stages = plan.map((stage): StageStatus => {
    const marker = markers[stage.id];
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
      state: stateOf(marker, owner),
      chain: stage.method,
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
  const done = stages.filter((stage) => stage.state === 'done').length;
  return {
    stages,
    done,
    total: stages.length,
    running: stages.filter((stage) => stage.state === 'running').map((stage) => stage.id),
    interrupted: stages.filter((stage) => stage.state === 'interrupted').map((stage) => stage.id),
    next: nextStages(stages, input.sideBySide),
    finished: done === stages.length,
  };
}

function stateOf(marker: StageMarker | undefined, owner: RunOwner | null): StageStatusState {
  if (marker === undefined) return 'pending';
  if (marker.state === 'done') return 'done';
  // Marked by the live owner (at or after it took the lock), or left by a process before it.
  const live = owner !== null && Date.parse(marker.startedAt) >= Date.parse(owner.startedAt);
  return live ? 'running' : 'interrupted';
}

/** The order `maft run` takes (pipeline/run.ts): the base stages in turn, then the chains. */
function nextStages(stages: readonly StageStatus[], sideBySide: boolean): string[] {
  const left = stages.filter((stage) => stage.state !== 'done');
  const base = left.find((stage) => stage.chain === 'base');
  if (base !== undefined) return [base.id];
  if (!sideBySide) return left.slice(0, 1).map((stage) => stage.id);
  const firstOfChain = new Map<string, string>();
  for (const stage of left) if (!firstOfChain.has(stage.chain)) firstOfChain.set(stage.chain, stage.id);
  return [...firstOfChain.values()];
}
