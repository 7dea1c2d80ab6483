/**
 * One finetuning iteration of one method (docs/method.md, "The loop"), one line per stage. Each stage is skipped
 * when the run directory says it is done, and resumes where it stopped otherwise (stages.ts).
 */
import type { FinetuneMethod } from '../spec/methods.js';
import type { RunContext } from './run-context.js';
import { measureDiversity } from './diversity-stage.js';
import type { ChainStep } from './method-chains.js';
import { answerFinetuneSplit, buildTrainingData, evaluateOnHeldOut, trainModels } from './stages.js';

/** The iteration's stages in order, each to be awaited before the next (method-chains.ts stops between them). */
export function iterationStages(context: RunContext, method: FinetuneMethod, iteration: number): ChainStep[] {
  return [
    () => answerFinetuneSplit(context, method, iteration), // the society of iteration k − 1 debates the finetune split (k = 1: the base society's, already done)
    () => buildTrainingData(context, method, iteration), // votes → each model's own rows (generators, critics' D⁻/D⁺ mix, or pooled)
    () => trainModels(context, method, iteration), // one LoRA adapter per model, continuing from iteration k − 1's
    () => evaluateOnHeldOut(context, method, iteration), // the finetuned society debates the held-out split
    () => measureDiversity(context, method, iteration), // a sample of those debates read back (societies of ≥ 2 agents)
  ];
}

export async function runIteration(context: RunContext, method: FinetuneMethod, iteration: number): Promise<void> {
  for (const step of iterationStages(context, method, iteration)) await step();
}
