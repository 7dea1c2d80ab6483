/**
 * The diversity stage of a society (docs/diversity.md): after its held-out debates, the first
 * `diversity.problems` of them are read back — every final-round reply under every agent's model and the base
 * model, and embedded — one record per debate in `records/<stage>.jsonl`. Resumable like a debate (finished
 * debates are skipped); its cost is bounded by the sample, not the split.
 */
import { measureDebate, type DiversityRecord } from '../diversity/measure-debate.js';
import { readRunRegistry } from '../finetune/finetune-jobs.js';
import { baseDiversityStage, baseEvalStage, measuresDiversity, stageId } from '../run-store/run-plan.js';
import { baseSociety, methodSociety } from '../society/society-plan.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { FinetuneMethod } from '../spec/methods.js';
import { crashPoint } from '../util/crash-point.js';
import type { RunContext } from './run-context.js';
import { stageLog } from './stage-records.js';
import { requireDone, stage } from './stages.js';

/** The first `diversity.problems` held-out problems: the same debates for every method and iteration. */
export function diversityProblems(context: RunContext) {
  return context.evalProblems.slice(0, context.config.diversity.problems);
}

/** The diversity records log of stage `id` (its problems: the sample). */
export function diversityLog(context: RunContext, id: string) {
  const problems = new Map(diversityProblems(context).map((problem) => [problem.id, problem.question]));
  return context.run.log<DiversityRecord>(id, { keyOf: (record) => record.problemId, problems });
}

/** Measure the diversity of the base society (iteration 0) or of a method's iteration-k society. */
export function measureDiversity(
  context: RunContext,
  method: 'base' | FinetuneMethod,
  iteration: number,
): Promise<void> {
  const { config } = context;
  if (!measuresDiversity(config, method)) return Promise.resolve();
  const id = method === 'base' ? baseDiversityStage : stageId(method, iteration, 'diversity');
  const evalStage = method === 'base' ? baseEvalStage : stageId(method, iteration, 'eval');
  if (context.run.stageState(id) !== 'done') requireDone(context, evalStage, 'the held-out debate');
  const shape = { agents: config.society.agents, rounds: config.society.rounds, critics: config.finetune.critics };
  const plan =
    method === 'base' ? baseSociety(shape) : methodSociety(method, iteration, readRunRegistry(context.run), shape);
  return stage(context, id, async () => {
    const debates = stageLog<DebateTranscript>(context, evalStage, 'eval');
    const log = diversityLog(context, id);
    const pending = diversityProblems(context).filter((problem) => !log.has(problem.id));
    const started = performance.now();
    if (pending.length > 0) {
      const models = await context.models.openDiversityModels(plan, config.diversity);
      try {
        for (const problem of pending) {
          const transcript = debates.get(problem.id);
          if (transcript === undefined) continue; // a done eval stage holds every problem (stage-records.ts)
          log.append(await measureDebate(transcript, models));
          crashPoint(`${id}:record-${log.size}`);
        }
      } finally {
        await models.release();
      }
    }
    return { problems: log.size, seconds: (performance.now() - started) / 1000 };
  });
}
