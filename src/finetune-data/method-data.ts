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
import { countFirstRoundRight, countRightRows, groundTruthsOf } from './label-accuracy.js';

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
  // The read-only diagnostic: the rows above were built from the votes alone; the ground truth only counts them.
  const truths = groundTruthsOf(transcripts);
  const right = (generator: readonly TrainingRow[], critic: readonly TrainingRow[], agent: number | null) => ({
    generatorRight: countRightRows(generator, truths),
    criticRight: countRightRows(critic, truths),
    // Of those, the D⁻ rows (the answers the debate corrected); D⁺'s count is the difference.
    criticCorrectedRight: countRightRows(
      critic.filter((row) => row.metadata.kind === 'critic-corrected'),
      truths,
    ),
    ...countFirstRoundRight(transcripts, agent),
  });
  if (method === 'multiagent-ft') {
    return {
      datasets: society.agents.flatMap((own): ModelDataset[] => [
        { name: `agent-${own.agent}-generator`, agent: own.agent, role: 'generator', rows: own.generator },
        ...(settings.critics
          ? [{ name: `agent-${own.agent}-critic`, agent: own.agent, role: 'critic' as const, rows: own.critic }]
          : []),
      ]),
      sizes: society.agents.map((own) => {
        const kept = settings.critics ? own.critic : [];
        return {
          method,
          iteration,
          agent: own.agent,
          generator: own.generator.length,
          corrected: own.corrected.length,
          confirmed: own.confirmed.length,
          ...keptCounts(kept),
          critic: kept.length,
          ...right(own.generator, kept, own.agent),
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
  const critic = rows.filter((row) => row.metadata.role === 'critic');
  const generator = rows.filter((row) => row.metadata.role !== 'critic');
  const pooledCritics = method === 'single-agent-ft';
  return {
    datasets: [{ name, agent: null, role: 'single', rows }],
    sizes: [
      {
        method,
        iteration,
        agent: null,
        generator: generator.length,
        // The candidates of every agent, before the mix — the same definition as the per-agent sizes.
        corrected: pooledCritics ? society.agents.reduce((sum, own) => sum + own.corrected.length, 0) : 0,
        confirmed: pooledCritics ? society.agents.reduce((sum, own) => sum + own.confirmed.length, 0) : 0,
        ...keptCounts(critic),
        critic: critic.length,
        ...right(generator, critic, null),
      },
    ],
  };
}

export function buildStarMethodData(records: readonly StarRecord[], iteration: number): MethodData {
  const rows = buildStarRows(records, iteration);
  const rationalized = rows.filter((row) => row.metadata.kind === 'star-rationalized').length;
  const firstAnswers = rows.filter((row) => row.metadata.kind !== 'star-rationalized');
  const attempts = records.map((record) => record.attempt);
  return {
    datasets: [{ name: 'star', agent: null, role: 'single', rows }],
    // For STaR, "corrected" counts the hinted retries kept (its analogue of D⁻).
    sizes: [
      {
        method: 'star',
        iteration,
        agent: null,
        generator: rows.length - rationalized,
        corrected: rationalized,
        confirmed: 0,
        correctedKept: 0,
        confirmedKept: 0,
        critic: 0,
        generatorRight: countRightRows(firstAnswers, groundTruthsOf(attempts)),
        criticRight: 0,
        criticCorrectedRight: 0,
        ...countFirstRoundRight(attempts, null),
      },
    ],
  };
}

/** D⁻ and D⁺ rows among a model's critic rows (after the mix). */
function keptCounts(critic: readonly TrainingRow[]): { correctedKept: number; confirmedKept: number } {
  return {
    correctedKept: critic.filter((row) => row.metadata.kind === 'critic-corrected').length,
    confirmedKept: critic.filter((row) => row.metadata.kind === 'critic-confirmed').length,
  };
}
