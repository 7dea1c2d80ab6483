/** A diversity stage's records → one DiversityScore (the means results.json, the report and status show). Pure. */
import type { MethodName } from '../spec/methods.js';
import type { DiversityScore } from '../spec/run-results.js';
import type { DiversityRecord } from './measure-debate.js';
import { meanOf } from './measures.js';

export function summarizeDiversity(
  method: MethodName,
  iteration: number,
  records: readonly DiversityRecord[],
): DiversityScore {
  const mean = (pick: (record: DiversityRecord) => number | null) => meanOf(records.map(pick));
  return {
    method,
    iteration,
    problems: records.length,
    consensus: mean((record) => record.consensus) ?? 0,
    likelihoodNll: mean((record) => record.likelihoodNll),
    agentKl: mean((record) => record.agentKl),
    baseKl: mean((record) => record.baseKl),
    embeddingDissimilarity: mean((record) => record.embeddingDissimilarity),
    embeddingModel: records.find((record) => record.embeddingModel !== null)?.embeddingModel ?? null,
  };
}
