/**
 * The order a stage starts its embedded training jobs in: longest first (LPT scheduling; pure). With k jobs at
 * once (trainer.parallelJobs), jobs started in list order often leave the largest (a critic, whose few rows are
 * long conversations, or the generator with the most rows) to start last and train alone while the other cores
 * idle; starting it first lets the small jobs fill the other cores around it. (A stage of one job — single-agent
 * FT's one model — gains nothing: the order is within a stage.) Graham's bound: LPT's makespan is
 * at most 4/3 − 1/(3k) of the best possible.
 *
 * The order changes nothing a job computes: each job is the same plan (rows, seed, threads) whenever it starts,
 * so its adapter is the same file byte for byte; only the wall time of the stage changes.
 */
import { planBatches } from '../trainer/data/epoch-batches.js';
import type { TokenizedExample } from '../trainer/data/pack-windows.js';
import { stepLength } from '../trainer/data/step-length.js';

/** What a job's step count depends on: the fields of its TrainingPlan that `train` plans its batches from. */
export interface JobShape {
  readonly examples: readonly TokenizedExample[];
  readonly windowLength: number;
  readonly windowsPerStep: number;
  readonly epochs: number;
  readonly seed: number;
}

/**
 * A job's work in tokens through the model: per optimizer step, windowsPerStep × the length the step is computed
 * at (its windows' used length rounded up, `stepLength`, as `train` computes it), so this is the work the child
 * will do, not an estimate of it (attention's cost grows with the length squared, which this leaves out) —
 * the same `planBatches` call `train` makes (each epoch's seeded shuffle, first-fit packing, cut and dropped rows),
 * which takes milliseconds on tokenized rows. Row or token counts alone would miss packing: a few long rows can
 * take more windows than many short ones. What it leaves out is the same for every job of a stage (loading the
 * model and the starting adapter), so it does not change the order.
 */
export function trainingCost(job: JobShape): number {
  const { batches } = planBatches(job.examples, {
    windowLength: job.windowLength,
    windowsPerStep: job.windowsPerStep,
    epochs: job.epochs,
    seed: job.seed,
  });
  let tokens = 0;
  for (const batch of batches) tokens += stepLength(batch.windows, job.windowLength) * job.windowsPerStep;
  return tokens;
}

/**
 * The indices of `costs` in the order to start them: largest cost first, equal costs in list order (a stable
 * sort), so the order is the same on every machine and every run.
 */
export function longestFirst(costs: readonly number[]): number[] {
  return costs
    .map((cost, index) => ({ cost, index }))
    .sort((a, b) => b.cost - a.cost || a.index - b.index)
    .map(({ index }) => index);
}
