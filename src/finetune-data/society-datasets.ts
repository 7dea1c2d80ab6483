/**
 * Every finetuning dataset one iteration's debates give (docs/method.md, "The loop", steps 2–3, and the
 * baselines): per agent, its generator data and its critic data; pooled over the society, the data of the
 * Single-agent FT and Majority FT baselines. Pure: transcripts in, canonical rows out.
 */
import { MaftError } from '../errors/maft-error.js';
import type { DebateTranscript } from '../spec/debate.js';
import { buildCriticCandidates, buildGeneratorRows, buildMajorityRows, type SkippedReplies } from './agent-rows.js';
import { mixCriticRows, type CriticMixMode } from './critic-mix.js';
import { compareProblemIds, readDebateOutcome } from './debate-outcome.js';
import type { TrainingRow } from './training-row.js';

export interface DatasetSettings {
  /** The finetuning iteration these debates feed (≥ 1); kept in every row. */
  iteration: number;
  /** w, the share of corrected rows (D⁻) in a critic's data, in [0, 1]. */
  correctedShare: number;
  /** critic-mix.ts: `keep-corrected` (the run default), `w`, or `all`. */
  criticMix: CriticMixMode;
  /** Seeds the critic mix's draw. */
  seed: number;
}

export interface AgentDatasets {
  agent: number;
  /** What generator n trains on. */
  generator: TrainingRow[];
  /** D⁻, whole (the critic's mix is drawn from it). */
  corrected: TrainingRow[];
  /** D⁺, whole. */
  confirmed: TrainingRow[];
  /** What critic n trains on: the mix of D⁻ and D⁺. */
  critic: TrainingRow[];
  /** Generator and critic replies that qualified but cannot be trained on (agent-rows.ts). */
  skipped: SkippedReplies;
}

export interface SocietyDatasets {
  settings: DatasetSettings;
  problems: number;
  agents: AgentDatasets[];
  pooled: {
    /** Single-agent FT: every agent's generator and critic rows, for one model used as every agent. */
    singleAgent: TrainingRow[];
    /** Majority FT: every agent's round-1 replies that agree with the round-1 majority. */
    majority: TrainingRow[];
  };
}

/** Build every dataset. Refuses (INPUT_INVALID) no debates, a problem debated twice, or societies of different sizes. */
export function buildSocietyDatasets(
  transcripts: readonly DebateTranscript[],
  settings: DatasetSettings,
): SocietyDatasets {
  if (!Number.isInteger(settings.iteration) || settings.iteration < 1) {
    throw new MaftError('CONFIG_INVALID', `the iteration must be a whole number ≥ 1, not ${settings.iteration}`);
  }
  if (transcripts.length === 0) throw new MaftError('INPUT_INVALID', 'there are no debate records to build data from');
  const outcomes = transcripts.map(readDebateOutcome).sort((a, b) => compareProblemIds(a.problemId, b.problemId));
  outcomes.forEach((outcome, index) => {
    if (index > 0 && outcomes[index - 1]?.problemId === outcome.problemId) {
      throw new MaftError('INPUT_INVALID', `problem ${JSON.stringify(outcome.problemId)} was debated twice`);
    }
  });
  const society = outcomes[0]?.agents.length ?? 0;
  const odd = outcomes.find((outcome) => outcome.agents.length !== society);
  if (odd !== undefined) {
    throw new MaftError(
      'INPUT_INVALID',
      `problem ${JSON.stringify(odd.problemId)} has ${odd.agents.length} agents, others ${society}`,
    );
  }

  const { iteration } = settings;
  const agents = Array.from({ length: society }, (_, agent): AgentDatasets => {
    const skipped: SkippedReplies = { truncated: 0, blank: 0 };
    const generator = buildGeneratorRows(outcomes, agent, iteration, skipped);
    const candidates = buildCriticCandidates(outcomes, agent, iteration, skipped);
    const critic = mixCriticRows(candidates, {
      mode: settings.criticMix,
      correctedShare: settings.correctedShare,
      seed: settings.seed,
      iteration,
      agent,
    });
    return { agent, generator, ...candidates, critic, skipped };
  });
  return {
    settings: { ...settings },
    problems: outcomes.length,
    agents,
    pooled: {
      singleAgent: agents.flatMap((datasets) => [...datasets.generator, ...datasets.critic]),
      majority: agents.flatMap((_, agent) => buildMajorityRows(outcomes, agent, iteration)),
    },
  };
}
