/** A diversity stage's records → one DiversityScore (the means results.json, the report and status show). Pure. */
import type { MethodName } from '../spec/methods.js';
import type { DiversityMeasure, DiversityScore } from '../spec/run-results.js';
import type { DiversityRecord } from './measure-debate.js';
import { meanOf, standardErrorOf } from './measures.js';

/** The five measures of a record, in the order the tables show them. */
export const diversityMeasures: readonly DiversityMeasure[] = [
  'consensus',
  'likelihoodNll',
  'agentKl',
  'baseKl',
  'embeddingDissimilarity',
];

/**
 * Each measure's mean over the stage's debates, and its standard error over those debates (the unit: one
 * sampled held-out problem; docs/diversity.md).
 */
export function summarizeDiversity(
  method: MethodName,
  iteration: number,
  records: readonly DiversityRecord[],
): DiversityScore {
  const values = (measure: DiversityMeasure) => records.map((record) => record[measure]);
  const standardError = Object.fromEntries(
    diversityMeasures.map((measure) => [measure, standardErrorOf(values(measure))]),
  ) as DiversityScore['standardError'];
  return {
    method,
    iteration,
    problems: records.length,
    consensus: meanOf(values('consensus')) ?? 0,
    likelihoodNll: meanOf(values('likelihoodNll')),
    agentKl: meanOf(values('agentKl')),
    baseKl: meanOf(values('baseKl')),
    embeddingDissimilarity: meanOf(values('embeddingDissimilarity')),
    standardError,
    embeddingModel: records.find((record) => record.embeddingModel !== null)?.embeddingModel ?? null,
  };
}
