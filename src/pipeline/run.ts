/**
 * The whole of `maft run`: the base society on both splits, then L iterations of every finetuning method. The
 * methods' chains run side by side (method-chains.ts: each method's iterations in order, the methods at once) or,
 * `methodChains: sequential`, iteration k of each before iteration k + 1 of any (the order run-plan.ts lists).
 * Either way the run directory ends the same. Returns the results written after the last stage.
 */
import type { RunContext } from './run-context.js';
import { iterationStages, runIteration } from './run-iteration.js';
import {
  baseEvalStage,
  baseFinetuneStage,
  finetuneMethodsOf,
  lastIteration,
  methodIterations,
  needsBaseFinetuneDebate,
} from '../run-store/run-plan.js';
import type { RunResults } from '../spec/run-results.js';
import { measureDiversity } from './diversity-stage.js';
import { chainsSideBySide, runChainsSideBySide } from './method-chains.js';
import { debateBaseSociety } from './stages.js';
import { preflightTrainer } from '../trainers/open-trainer.js';
import { writeRunResults } from './write-results.js';

export async function runPipeline(context: RunContext): Promise<RunResults> {
  const { config } = context;
  const methods = finetuneMethodsOf(config.methods);
  // A trainer that cannot run (hf: Python or a package missing) fails before the first debate, not after it.
  if (methods.length > 0) await preflightTrainer(config);
  await debateBaseSociety(context, 'eval', baseEvalStage); // base, majority and debate; iteration 0 of every method
  await measureDiversity(context, 'base', 0); // the base society's diversity on a sample of those debates
  if (needsBaseFinetuneDebate(config)) await debateBaseSociety(context, 'finetune', baseFinetuneStage); // iteration 1's training data
  if (methods.length > 1 && chainsSideBySide(config)) {
    context.log(`maft run: ${methods.join(', ')} side by side, each method's iterations in order (methodChains)`);
    await runChainsSideBySide(
      methods.map((method) =>
        Array.from({ length: methodIterations(config, method) }, (_, index) =>
          iterationStages(context, method, index + 1),
        ).flat(),
      ),
    );
  } else {
    for (let iteration = 1; iteration <= lastIteration(config); iteration++) {
      for (const method of methods) {
        if (iteration <= methodIterations(config, method)) await runIteration(context, method, iteration);
      }
    }
  }
  return writeRunResults(context);
}
