/**
 * Learning-rate schedule (pure): linear warmup from 0 to the peak, then constant, linear or cosine decay to
 * `minimumRatio` × peak at the last step.
 */
import { MaftError } from '../../errors/maft-error.js';

export interface LearningRateSchedule {
  /** Peak learning rate. */
  readonly peak: number;
  /** Steps of linear warmup (the first step uses peak / warmupSteps). Default 0. */
  readonly warmupSteps?: number;
  /** Shape after warmup. Default cosine. */
  readonly decay?: 'constant' | 'linear' | 'cosine';
  /** Final learning rate as a fraction of the peak. Default 0.1. */
  readonly minimumRatio?: number;
}

/** The learning rate of step `step` (0-based) out of `totalSteps`. */
export function learningRateAt(schedule: LearningRateSchedule, step: number, totalSteps: number): number {
  const { peak } = schedule;
  const warmupSteps = schedule.warmupSteps ?? 0;
  const minimumRatio = schedule.minimumRatio ?? 0.1;
  if (!(peak > 0 && Number.isFinite(peak)))
    throw new MaftError('CONFIG_INVALID', `learning rate must be > 0, got ${peak}`, { field: 'learningRate' });
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) {
    throw new MaftError('CONFIG_INVALID', `warmup steps must be a non-negative integer, got ${warmupSteps}`, {
      field: 'warmupSteps',
    });
  }
  if (!(minimumRatio >= 0 && minimumRatio <= 1)) {
    throw new MaftError('CONFIG_INVALID', `minimum learning-rate ratio must be in [0, 1], got ${minimumRatio}`, {
      field: 'minimumRatio',
    });
  }
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const decaySteps = totalSteps - warmupSteps;
  if (schedule.decay === 'constant' || decaySteps <= 1) return peak;
  const progress = Math.min(1, (step - warmupSteps) / (decaySteps - 1));
  const shape = schedule.decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return peak * (minimumRatio + (1 - minimumRatio) * shape);
}
