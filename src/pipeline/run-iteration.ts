/**
 * One finetuning iteration of one method (docs/method.md, "The loop"), one line per stage. Each stage is skipped
 * when the run directory says it is done, and resumes where it stopped otherwise (stages.ts).
 */
import type { FinetuneMethod } from '../spec/methods.js';
import type { RunContext } from './run-context.js';
import { measureDiversity } from './diversity-stage.js';
import { answerFinetuneSplit, buildTrainingData, evaluateOnHeldOut, trainModels } from './stages.js';

export async function runIteration(context: RunContext, method: FinetuneMethod, iteration: number): Promise<void> {
  await answerFinetuneSplit(context, method, iteration); // the society of iteration k − 1 debates the finetune split (k = 1: the base society's, already done)
  await buildTrainingData(context, method, iteration); // votes → each model's own rows (generators, critics' D⁻/D⁺ mix, or pooled)
  await trainModels(context, method, iteration); // one LoRA adapter per model, continuing from iteration k − 1's
  await evaluateOnHeldOut(context, method, iteration); // the finetuned society debates the held-out split
  await measureDiversity(context, method, iteration); // a sample of those debates read back (societies of ≥ 2 agents)
}
