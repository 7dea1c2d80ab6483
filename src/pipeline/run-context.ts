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
import type { Run } from '../run-store/run.js';
import { createModelSource, type ModelSource } from '../society/open-society.js';
import type { ChatResponse } from '../spec/chat-model.js';
import type { Problem } from '../spec/problem.js';
import type { Task } from '../tasks/task.js';

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
  models: ModelSource;
  /** Progress lines for people (stderr in the CLI). */
  log: (line: string) => void;
  /** A progress reporter for a debate stage (the CLI passes its terminal one in; silent by default). */
  progress?: (stage: string) => ProgressReporter;
}

export function debateSettings(context: RunContext, rounds: number): DebateSettings {
  const { config } = context;
  return {
    rounds,
    maxOthers: config.society.maxOthers ?? Math.max(1, config.society.agents - 1),
    summarize: config.society.summarize,
    sampling: config.sampling,
    seed: config.seed,
    answerType: context.task.answerType,
    extraction: config.fallbacks === undefined ? {} : { fallbacks: config.fallbacks as AnswerFallback[] },
    templates: context.templates,
  };
}

/** The models of a run on its backend (nothing is loaded until a stage opens a society). */
export function runModelSource(run: Run<RunConfig>, config: RunConfig): ModelSource {
  return createModelSource(config.backend, {
    cache: run.requestCache<ChatResponse>(),
    agents: config.society.agents,
    problemConcurrency: config.problemConcurrency,
    adapterPath: (name) => run.artifactPath(name),
  });
}
