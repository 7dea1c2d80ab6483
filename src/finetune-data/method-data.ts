/**
 * The training data of one method at one iteration (pure): which named datasets it trains on, and the sizes
 * the report shows. Multiagent FT: each agent's own generator and critic rows (docs/method.md steps 2–3);
 * single-agent FT: all of them pooled; majority FT: round-1 replies that agree with the round-1 majority;
 * STaR: right answers and right hinted retries. Each size also counts its rows that are right against the ground
 * truth, and the source debate's round-1 replies that were right — counted after the rows are built, from the
 * records, and never fed back into them (label-accuracy.ts).
 */
import { buildSocietyDatasets, type DatasetSettings } from './society-datasets.js';
import type { TrainingRow } from './training-row.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { ModelRole } from '../finetune/model-registry.js';
import type { FinetuneMethod } from '../spec/methods.js';
import type { DatasetSize } from '../spec/run-results.js';
import type { StarRecord } from '../spec/debate.js';
import { buildStarRows } from './star-rows.js';
import { labelCounts } from './label-accuracy.js';

export type { DatasetSize } from '../spec/run-results.js';

/** A dataset to train one model on. */
export interface ModelDataset {
  /** File name under the iteration's data directory (`rows/<name>.jsonl`). */
  name: string;
  agent: number | null;
  role: ModelRole;
  rows: TrainingRow[];
}

export interface MethodData {
  datasets: ModelDataset[];
  sizes: DatasetSize[];
}

export interface MethodDataSettings extends DatasetSettings {
  /** Multiagent FT: whether critics are trained (false: generators only, the "without critic" ablation). */
  critics: boolean;
}

export function buildDebateMethodData(
  method: Exclude<FinetuneMethod, 'star'>,
  transcripts: readonly DebateTranscript[],
  settings: MethodDataSettings,
): MethodData {
  const society = buildSocietyDatasets(transcripts, settings);
  const { iteration } = settings;
  // The rows were built from the votes alone; rowCounts grades them against the ground truth only to count them.
  if (method === 'multiagent-ft') {
    return {
      datasets: society.agents.flatMap((own): ModelDataset[] => [
        { name: `agent-${own.agent}-generator`, agent: own.agent, role: 'generator', rows: own.generator },
        ...(settings.critics
          ? [{ name: `agent-${own.agent}-critic`, agent: own.agent, role: 'critic' as const, rows: own.critic }]
          : []),
      ]),
      sizes: society.agents.map((own) => {
        const counts = rowCounts(own.generator, settings.critics ? own.critic : [], transcripts, own.agent);
        return {
          method,
          iteration,
          agent: own.agent,
          ...withCandidates(counts, own.corrected.length, own.confirmed.length),
        };
      }),
    };
  }
  // single-agent-ft-nodebate learns from the same single-agent answers as majority-ft (round 1, no debate).
  const rows = method === 'single-agent-ft' ? society.pooled.singleAgent : society.pooled.majority;
  const name =
    method === 'single-agent-ft'
      ? 'single-agent'
      : method === 'single-agent-ft-nodebate'
        ? 'single-agent-nodebate'
        : 'majority';
  const { generator, critic } = pooledRowsByRole(rows);
  const pooledCritics = method === 'single-agent-ft';
  const counts = rowCounts(generator, critic, transcripts, null);
  return {
    datasets: [{ name, agent: null, role: 'single', rows }],
    sizes: [
      {
        method,
        iteration,
        agent: null,
        // The candidates of every agent, before the mix — the same definition as the per-agent sizes.
        ...withCandidates(
          counts,
          pooledCritics ? society.agents.reduce((sum, own) => sum + own.corrected.length, 0) : 0,
          pooledCritics ? society.agents.reduce((sum, own) => sum + own.confirmed.length, 0) : 0,
        ),
      },
    ],
  };
}

export function buildStarMethodData(records: readonly StarRecord[], iteration: number): MethodData {
  const rows = buildStarRows(records, iteration);
  return {
    datasets: [{ name: 'star', agent: null, role: 'single', rows }],
    sizes: [{ method: 'star', iteration, agent: null, ...starRowCounts(rows, records) }],
  };
}

/** What one model's rows determine: every field of its size but its identity and the critic's candidates. */
export type RowCounts = Omit<DatasetSize, 'method' | 'iteration' | 'agent' | 'corrected' | 'confirmed'>;

/** A model's size fields in summary.json's order: its generator rows, the critic's candidates, then the rest. */
export function withCandidates(
  counts: RowCounts,
  corrected: number,
  confirmed: number,
): Omit<DatasetSize, 'method' | 'iteration' | 'agent'> {
  const { generator, ...rest } = counts;
  return { generator, corrected, confirmed, ...rest };
}

/**
 * The counts of one model that its rows determine — its rows after the mix and how many of them are right
 * (label-accuracy.ts) — given its generator and critic rows and the source debates. The data stage and the
 * recount of a stored run (recount-labels.ts) both call this, so there is one rule. The critic's candidates
 * (`corrected`, `confirmed`, before the mix) are not here: the rows alone do not hold them.
 */
export function rowCounts(
  generator: readonly TrainingRow[],
  critic: readonly TrainingRow[],
  transcripts: readonly DebateTranscript[],
  agent: number | null,
): RowCounts {
  return {
    generator: generator.length,
    ...keptCounts(critic),
    critic: critic.length,
    ...labelCounts(generator, critic, transcripts, agent),
  };
}

/** A pooled model's rows by role: its critic rows, and the rest (generator or majority rows). */
export function pooledRowsByRole(rows: readonly TrainingRow[]): { generator: TrainingRow[]; critic: TrainingRow[] } {
  return {
    generator: rows.filter((row) => row.metadata.role !== 'critic'),
    critic: rows.filter((row) => row.metadata.role === 'critic'),
  };
}

/**
 * STaR's counts from its rows and attempts. For STaR, "corrected" counts the hinted retries kept (its analogue
 * of D⁻); each is kept only when right, so only its first answers are graded.
 */
export function starRowCounts(
  rows: readonly TrainingRow[],
  records: readonly StarRecord[],
): Omit<DatasetSize, 'method' | 'iteration' | 'agent'> {
  const rationalized = rows.filter((row) => row.metadata.kind === 'star-rationalized').length;
  const firstAnswers = rows.filter((row) => row.metadata.kind !== 'star-rationalized');
  const attempts = records.map((record) => record.attempt);
  const { generatorRight, firstRoundReplies, firstRoundRight } = labelCounts(firstAnswers, [], attempts, null);
  return {
    generator: rows.length - rationalized,
    corrected: rationalized,
    confirmed: 0,
    correctedKept: 0,
    confirmedKept: 0,
    critic: 0,
    generatorRight,
    criticRight: 0,
    criticCorrectedRight: 0,
    firstRoundReplies,
    firstRoundRight,
  };
}

/** D⁻ and D⁺ rows among a model's critic rows (after the mix). */
function keptCounts(critic: readonly TrainingRow[]): { correctedKept: number; confirmedKept: number } {
  return {
    correctedKept: critic.filter((row) => row.metadata.kind === 'critic-corrected').length,
    confirmedKept: critic.filter((row) => row.metadata.kind === 'critic-confirmed').length,
  };
}
