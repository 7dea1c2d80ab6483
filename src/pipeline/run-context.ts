/**
 * What every stage of a run shares: the open run directory, its config, the problems, the prompts, the models
 * (src/society/open-society.ts: the base model and the run's adapters on it, every call through the run's
 * request cache) and where progress goes. `maft run` and every stage command build this one context
 * (openRunContext) and call the same stage functions (stages.ts).
 */
import type { RunConfig } from '../config/run-config.js';
import type { DebateSettings } from '../debate/debate-problem.js';
import type { PromptTemplates } from '../debate/prompts.js';
import type { DebateProgress } from '../debate/run-debates.js';
import type { AnswerFallback } from '../grading/extract-answer.js';
import type { GradingMode } from '../grading/grading-mode.js';
import type { BorrowedReplies } from '../run-store/borrowed-replies.js';
import type { Run } from '../run-store/run.js';
import { createModelSource, type ModelSource } from '../society/open-society.js';
import type { ChatResponse } from '../spec/chat-model.js';
import type { Problem } from '../spec/problem.js';
import type { Task } from '../tasks/task.js';
import { deriveSeed } from '../util/random.js';

export type { ModelSource, OpenSociety } from '../society/open-society.js';

/** Progress of a long stage, for people; the caller (the CLI) decides where it goes. */
export interface ProgressReporter {
  update(progress: DebateProgress): void;
  finish(): void;
}

export interface RunContext {
  run: Run<RunConfig>;
  config: RunConfig;
  task: Task;
  finetuneProblems: Problem[];
  evalProblems: Problem[];
  templates: PromptTemplates;
  /** The held-out split's task and prompts when `evalTask` differs (zero-shot transfer); default: `task`'s. */
  evalTask?: Task;
  evalTemplates?: PromptTemplates;
  models: ModelSource;
  /** Progress lines for people (stderr in the CLI). */
  log: (line: string) => void;
  /** A progress reporter for a debate stage (the CLI passes its terminal one in; silent by default). */
  progress?: (stage: string) => ProgressReporter;
  /**
   * Embedded training jobs at once in this session (`--parallel-jobs`), over the config's trainer.parallelJobs; a
   * setting of the session, not of the run (src/cli/parallel-jobs-flag.ts): the adapters are the same at any count.
   */
  parallelJobs?: number;
}

/**
 * The seed a debate's calls derive from. Held-out debates share the run's seed, so every method and iteration
 * meets the same prompts with the same seeds (common random numbers: they differ by their models, not by luck).
 * The finetune split's data debate of iteration k ≥ 2 draws fresh samples: a model that did not change would
 * otherwise replay iteration k − 1's replies byte for byte (from the request cache) and learn nothing new.
 */
export function debateSeed(runSeed: number, split: 'finetune' | 'eval', dataIteration: number): number {
  return split === 'eval' || dataIteration <= 1 ? runSeed : deriveSeed(runSeed, 'data-debate', dataIteration);
}

/** A stage's debate settings: `split` and the iteration whose data the debate makes (finetune split) pick the seed. */
export function debateSettings(
  context: RunContext,
  rounds: number,
  split: 'finetune' | 'eval' = 'eval',
  dataIteration = 1,
): DebateSettings {
  const { config } = context;
  return {
    rounds,
    maxOthers: config.society.maxOthers ?? Math.max(1, config.society.agents - 1),
    summarize: config.society.summarize,
    uniqueIds: config.society.uniqueIds,
    sampling: config.sampling,
    seed: debateSeed(config.seed, split, dataIteration),
    // Each split is answered, extracted and voted by its own task's rules (the eval split may be another task's).
    answerType: (split === 'eval' ? (context.evalTask ?? context.task) : context.task).answerType,
    extraction: {
      mode: config.grading as GradingMode,
      ...(config.fallbacks === undefined ? {} : { fallbacks: config.fallbacks as AnswerFallback[] }),
    },
    templates: split === 'eval' ? (context.evalTemplates ?? context.templates) : context.templates,
  };
}

/**
 * The models of a run on its backend (nothing is loaded until a stage opens a society). `borrowed`: another run's
 * base-model replies (`maft run --reuse`), checked sound by the caller (src/config/reuse-rules.ts).
 */
export function runModelSource(
  run: Run<RunConfig>,
  config: RunConfig,
  borrowed?: BorrowedReplies<ChatResponse>,
): ModelSource {
  return createModelSource(config.backend, {
    cache: run.requestCache<ChatResponse>(),
    ...(borrowed !== undefined ? { borrowed } : {}),
    agents: config.society.agents,
    problemConcurrency: config.problemConcurrency,
    adapterPath: (name) => run.artifactPath(name),
  });
}
