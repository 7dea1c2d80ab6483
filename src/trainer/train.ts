/**
 * The embedded trainer's entry point: `train(plan, onProgress)` trains a LoRA adapter or a full model on
 * ggml (through the libraries node-llama-cpp ships) and writes the result as GGUF. A failed ggml assertion
 * aborts the process, so callers run this in a child process; it is a plain async function for that reason
 * (the child imports it, reads the plan, calls it, and reports progress and the result back).
 */
import { MaftError } from '../errors/maft-error.js';
import { planBatches } from './data/epoch-batches.js';
import { layoutWindow } from './data/pack-windows.js';
import { stepLength } from './data/step-length.js';
import { readLoraAdapter } from './lora/read-adapter.js';
import { writeLoraAdapter } from './export/write-adapter.js';
import { writeTrainedModel } from './export/write-model.js';
import { loadGgml } from './ggml/bindings.js';
import { learningRateAt } from './schedule/learning-rate.js';
import { openTrainingSession } from './training-session.js';
import type { TrainingPlan, TrainingProgress, TrainingResult } from './training-plan.js';

export async function train(
  plan: TrainingPlan,
  onProgress: (progress: TrainingProgress) => void = () => undefined,
): Promise<TrainingResult> {
  const windowLength = plan.windowLength ?? 256;
  const windowsPerStep = plan.windowsPerStep ?? 1;
  const epochs = plan.epochs ?? 1;
  const seed = plan.seed ?? 1;
  for (const [field, value] of Object.entries({ windowsPerStep, epochs })) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new MaftError('CONFIG_INVALID', `${field} must be a positive integer, got ${value}`, { field });
  }
  const rank = plan.lora?.rank ?? 8;
  const { batches, truncatedExamples, droppedExamples } = planBatches(plan.examples, {
    windowLength,
    windowsPerStep,
    epochs,
    seed,
    ...(plan.shuffle === false ? { shuffle: false } : {}),
  });
  const schedule = {
    peak: plan.learningRate ?? (plan.mode === 'lora' ? 1e-4 : 1e-5),
    warmupSteps: plan.warmupSteps ?? Math.round((plan.warmupShare ?? 0) * batches.length),
    decay: plan.decay ?? 'cosine',
    minimumRatio: plan.minimumLearningRateRatio ?? 0.1,
  } as const;
  if (batches.length === 0) throw new MaftError('INPUT_INVALID', 'no training example has a completion token to learn');
  learningRateAt(schedule, 0, batches.length); // validates the schedule before the model is loaded

  const initial =
    plan.mode === 'lora' && plan.lora?.initialAdapter !== undefined
      ? await readLoraAdapter(plan.lora.initialAdapter)
      : undefined;
  if (initial !== undefined && plan.lora?.alpha !== undefined && initial.alpha !== plan.lora.alpha) {
    throw new MaftError(
      'CONFIG_INVALID',
      `the adapter to continue from has alpha ${initial.alpha}, not ${plan.lora.alpha}`,
      { field: 'lora.alpha' },
    );
  }
  const session = await openTrainingSession({
    modelPath: plan.modelPath,
    mode: plan.mode,
    ...(plan.mode === 'lora'
      ? {
          lora: {
            rank,
            alpha: plan.lora?.alpha ?? 2 * rank,
            seed,
            ...(plan.lora?.targets ? { targets: plan.lora.targets } : {}),
            ...(initial ? { initial } : {}),
          },
        }
      : {}),
    optimizer: {
      ...(plan.beta1 === undefined ? {} : { beta1: plan.beta1 }),
      ...(plan.beta2 === undefined ? {} : { beta2: plan.beta2 }),
      ...(plan.epsilon === undefined ? {} : { epsilon: plan.epsilon }),
      weightDecay: plan.weightDecay ?? 0,
    },
    maxGradientNorm: plan.maxGradientNorm ?? 1,
    threads: plan.threads ?? 1,
  });
  try {
    const started = performance.now();
    const lossesByEpoch = new Map<number, number[]>();
    let tokens = 0;
    let computedTokens = 0;
    for (const [index, batch] of batches.entries()) {
      const learningRate = learningRateAt(schedule, index, batches.length);
      // Computed at the step's used length (rounded up), not the planned window length: padding past the last
      // example attends only to itself and carries no loss, so the examples' losses and gradients are the same.
      const length = plan.trimPadding === false ? windowLength : stepLength(batch.windows, windowLength);
      const windows = batch.windows.map((window) => layoutWindow(window, length));
      const result = session.step(windows, learningRate);
      if (!Number.isFinite(result.loss)) {
        throw new MaftError(
          'INTERNAL',
          `training diverged at step ${index + 1} (loss ${result.loss}); lower the learning rate`,
        );
      }
      tokens += windowLength * windowsPerStep;
      computedTokens += length * windowsPerStep;
      const losses = lossesByEpoch.get(batch.epoch) ?? [];
      losses.push(result.loss);
      lossesByEpoch.set(batch.epoch, losses);
      const elapsedMs = performance.now() - started;
      onProgress({
        step: index + 1,
        totalSteps: batches.length,
        epoch: batch.epoch,
        loss: result.loss,
        gradientNorm: result.gradientNorm,
        learningRate,
        lossTokens: result.lossTokens,
        tokensPerSecond: tokens / (elapsedMs / 1000),
        elapsedMs,
      });
    }
    const elapsedMs = performance.now() - started;
    const api = loadGgml();
    if (session.lora !== undefined) {
      await writeLoraAdapter(api, plan.outputPath, session.model.hyperparameters, session.lora, plan.outputName);
    } else {
      await writeTrainedModel(api, plan.outputPath, session.model, plan.outputName);
    }
    const lastLosses = lossesByEpoch.get(epochs) ?? [];
    return {
      outputPath: plan.outputPath,
      steps: batches.length,
      finalLoss: lastLosses.reduce((sum, loss) => sum + loss, 0) / Math.max(1, lastLosses.length),
      tokensPerSecond: tokens / (elapsedMs / 1000),
      computedShare: computedTokens / Math.max(1, tokens),
      elapsedMs,
      truncatedExamples,
      droppedExamples,
    };
  } finally {
    session.dispose();
  }
}
