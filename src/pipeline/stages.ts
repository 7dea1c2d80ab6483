/**
 * The stages of `maft run` (the thin shell around the pure cores): each reads what earlier stages wrote into
 * the run directory, does its work, writes its own files, and marks itself done in the manifest. A stage
 * already done is skipped; one cut short resumes (debates keep their finished records and get their
 * finished calls back from the request cache; training keeps finished jobs; data is rebuilt, it is cheap).
 */
import { runDebates } from '../debate/run-debates.js';
import { countReplies } from '../debate/cached-model.js';
import { namedDatasetFiles } from '../finetune-data/dataset-files.js';
import { MaftError } from '../errors/maft-error.js';
import type { DebateTranscript } from '../spec/debate.js';
import {
  jobLabel,
  readRunRegistry,
  runFinetuneJobs,
  type FinetuneJob,
  type FinetuneOutcome,
  type TrainerSettings,
} from '../finetune/finetune-jobs.js';
import { runDurableJobs, type DurableJob } from '../finetune/durable-jobs.js';
import { startingModel, type RegistryEntry } from '../finetune/model-registry.js';
import { defaultParallelJobs } from '../finetune/parallel-jobs.js';
import { openTrainer, preflightTrainer } from '../trainers/open-trainer.js';
import { convertHfProduct } from '../trainers/hf/hf-trainer-jobs.js';
import type { RunConfig } from '../config/run-config.js';
import { crashPoint } from '../util/crash-point.js';
import { buildDebateMethodData, buildStarMethodData, type MethodData } from '../finetune-data/method-data.js';
import type { FinetuneMethod } from '../spec/methods.js';
import { debateSettings, type RunContext } from './run-context.js';
import { baseEvalStage, baseFinetuneStage, dataSourceStage, datasetDirectory, stageId } from '../run-store/run-plan.js';
import { artifactFile } from '../run-store/layout.js';
import { readDatasetSummary, readRowsFile } from '../run-store/read-dataset-files.js';
import { splitProblems, stageLog } from './stage-records.js';
import { writeRunResults } from './write-results.js';
import { baseSociety, givenModels, methodSociety, type SocietyPlan } from '../society/society-plan.js';
import { attemptStar, type StarRecord } from '../debate/star-attempt.js';
import { measureDiversity } from './diversity-stage.js';

/**
 * Refuse to start a stage whose input stage is not done (the stage commands can be run in any order; `maft
 * run` runs them in plan order, so this never fires there). `hint` says which command makes the input.
 */
export function requireDone(context: RunContext, input: string, hint: string): void {
  const state = context.run.stageState(input);
  if (state !== 'done')
    throw new MaftError('INPUT_INVALID', `stage ${input} is ${state}, not done: run ${hint} first`, {
      file: context.run.directory,
    });
}

const trainHint = (method: FinetuneMethod, iteration: number) =>
  `maft finetune --method ${method} --iteration ${iteration}`;

/**
 * Run `work` as stage `id` unless it is done; mark it running, then done with `details`; refresh the results.
 * `keptWork` says whether a failed attempt left anything to resume from (default: the stage's records file).
 */
export async function stage(
  context: RunContext,
  id: string,
  work: () => Promise<Record<string, unknown> | void>,
  keptWork: () => boolean = () => context.run.hasRecords(id),
): Promise<void> {
  const before = context.run.stageState(id);
  if (before === 'done') return;
  context.run.markStage(id, 'running');
  let details: Record<string, unknown> | void;
  try {
    details = await work();
  } catch (error) {
    // Failed before doing any work (a model that does not load, no training data): leave no `running` marker.
    if (before === 'pending' && !keptWork()) context.run.unmarkStage(id);
    throw error;
  }
  context.run.markStage(id, 'done', details ?? {});
  writeRunResults(context);
}

/** A society debates a split into records/<id>.jsonl. */
async function debateSplit(
  context: RunContext,
  id: string,
  split: 'finetune' | 'eval',
  plan: SocietyPlan,
  dataIteration = 1,
): Promise<Record<string, unknown>> {
  const problems = splitProblems(context, split);
  const society = await context.models.openSociety(plan);
  try {
    const log = stageLog<DebateTranscript>(context, id, split);
    const progress = context.progress?.(id);
    const started = performance.now();
    // This stage's replies by source, counted in its own async context (another chain's stage may run meanwhile).
    const { counts } = await countReplies(() =>
      runDebates(
        problems,
        society.agents,
        { ...debateSettings(context, plan.rounds, split, dataIteration), summarizer: society.summarizer },
        log,
        {
          concurrency: context.config.problemConcurrency,
          onProgress: (state) => {
            progress?.update(state);
            crashPoint(`${id}:record-${state.done}`);
          },
        },
      ),
    );
    progress?.finish();
    return {
      problems: problems.length,
      agents: plan.agents.length,
      rounds: plan.rounds,
      seconds: (performance.now() - started) / 1000,
      // This session's replies by source: the run's own cache (a resume), another run's (--reuse), the model.
      replies: counts,
    };
  } finally {
    await society.release();
  }
}

/** A vLLM server reads the `hf` trainer's PEFT directories, not their GGUF conversions. */
const modelOptions = (context: RunContext) => ({
  peft: context.config.backend.kind === 'openai' && context.config.backend.vllm !== undefined,
});

const shape = (context: RunContext) => ({
  agents: context.config.society.agents,
  rounds: context.config.society.rounds,
  critics: context.config.finetune.critics,
});

/** The base society (iteration 0) debates a split: `base/eval` or `base/finetune`. */
export function debateBaseSociety(context: RunContext, split: 'finetune' | 'eval', id: string): Promise<void> {
  const given = givenModels(context.config.society.models, context.config.backend.kind);
  return stage(context, id, () => debateSplit(context, id, split, baseSociety(shape(context), undefined, given)));
}

/** Iteration k ≥ 2 (STaR: k ≥ 1): the method's models of iteration k − 1 answer the finetune split. */
export function answerFinetuneSplit(context: RunContext, method: FinetuneMethod, iteration: number): Promise<void> {
  if (method !== 'star' && iteration === 1) return Promise.resolve(); // iteration 1 learns from the base society's debate
  const id = stageId(method, iteration, 'finetune');
  if (iteration >= 2 && context.run.stageState(id) !== 'done')
    requireDone(context, stageId(method, iteration - 1, 'train'), trainHint(method, iteration - 1));
  const plan = methodSociety(
    method,
    iteration - 1,
    readRunRegistry(context.run),
    shape(context),
    modelOptions(context),
  );
  if (method !== 'star') return stage(context, id, () => debateSplit(context, id, 'finetune', plan, iteration));
  return stage(context, id, async () => {
    const society = await context.models.openSociety(plan);
    try {
      const log = stageLog<StarRecord>(context, id, 'finetune');
      const settings = { ...debateSettings(context, 1, 'finetune', iteration), summarizer: society.summarizer };
      const model = society.agents[0]?.generator;
      if (model === undefined) throw new MaftError('INTERNAL', 'STaR needs one agent');
      for (const problem of context.finetuneProblems) {
        if (log.has(problem.id)) continue;
        log.append(await attemptStar(problem, model, settings));
        crashPoint(`${id}:record-${log.size}`);
      }
      return { problems: context.finetuneProblems.length };
    } finally {
      await society.release();
    }
  });
}

/** Votes → the method's training rows of iteration k, written under data/<method>/iteration-<k>/. */
export function buildTrainingData(context: RunContext, method: FinetuneMethod, iteration: number): Promise<void> {
  return stage(
    context,
    stageId(method, iteration, 'data'),
    async () => {
      const source = dataSourceStage(method, iteration);
      requireDone(context, source, `maft debate --split finetune --method ${method} --iteration ${iteration}`);
      const { finetune, seed } = context.config;
      const data: MethodData =
        method === 'star'
          ? buildStarMethodData(stageLog<StarRecord>(context, source, 'finetune').records(), iteration)
          : buildDebateMethodData(method, stageLog<DebateTranscript>(context, source, 'finetune').records(), {
              iteration,
              correctedShare: finetune.correctedShare,
              criticMix: finetune.criticMix,
              seed,
              critics: finetune.critics,
            });
      const files = namedDatasetFiles(
        datasetDirectory(method, iteration),
        data.datasets.map((dataset) => [dataset.name, dataset.rows]),
        ['openai', 'trl', 'sharegpt'],
        {
          method,
          iteration,
          source,
          sizes: data.sizes,
          models: data.datasets.map(({ name, agent, role, rows }) => ({ name, agent, role, rows: rows.length })),
        },
      );
      for (const [index, file] of files.entries()) {
        context.run.writeArtifact(file.name, file.text);
        crashPoint(`${stageId(method, iteration, 'data')}:file-${index + 1}`);
      }
      return { source, sizes: data.sizes };
    },
    () => false,
  ); // data is rebuilt whole: a failed attempt keeps nothing
}

/** The method's models of iteration k: one LoRA job per dataset, each continuing from iteration k − 1's model. */
export function trainModels(context: RunContext, method: FinetuneMethod, iteration: number): Promise<void> {
  return stage(
    context,
    stageId(method, iteration, 'train'),
    async () => {
      requireDone(
        context,
        stageId(method, iteration, 'data'),
        `maft build-data --method ${method} --iteration ${iteration}`,
      );
      if (context.config.finetune.from === 'previous' && method !== 'star' && iteration > 1)
        requireDone(context, stageId(method, iteration - 1, 'train'), trainHint(method, iteration - 1));
      // Every rows file is read (strictly: RUN_CORRUPT with file and line) before any job starts or is recorded.
      const directory = datasetDirectory(method, iteration);
      const summary = readDatasetSummary(artifactFile(context.run.layout, `${directory}/summary.json`));
      const registry = readRunRegistry(context.run);
      const jobs: DurableJob[] = summary.models.map(({ name, agent, role }) => {
        const key = { method, iteration, agent, role };
        const from = startingModel(key, context.config.finetune.from, registry);
        return {
          ...key,
          rows: readRowsFile(artifactFile(context.run.layout, `${directory}/rows/${name}.jsonl`)).map(({ row }) => row),
          ...(from !== undefined ? { from } : {}),
        };
      });
      const outcome =
        context.config.trainer.kind === 'embedded'
          ? await trainEmbedded(context, method, iteration, jobs)
          : await trainAsJobs(context, method, iteration, jobs);
      if (outcome.failed.length > 0) {
        const first = outcome.failed[0];
        throw new MaftError(
          'TRAINING_FAILED',
          `${outcome.failed.length} of ${outcome.entries.length} training jobs failed (first: ${first?.reason ?? 'unknown'}); run the same command again to retry them`,
        );
      }
      const truncatedRows = outcome.entries.reduce((sum, entry) => sum + (entry.result?.truncatedRows ?? 0), 0);
      const droppedRows = outcome.entries.reduce((sum, entry) => sum + (entry.result?.droppedRows ?? 0), 0);
      if (truncatedRows + droppedRows > 0) {
        context.log(
          `maft: warning: ${stageId(method, iteration, 'train')}: ${truncatedRows} training rows cut at the head and ${droppedRows} left out to fit the ${context.config.trainer.kind === 'embedded' ? `${context.config.trainer.windowLength}-token ` : ''}window (trainer.windowLength)`,
        );
      }
      const skipped = outcome.entries.filter((entry) => entry.status === 'skipped' && entry.rows > 0);
      return {
        jobs: outcome.entries.length,
        trained: outcome.entries.filter((entry) => entry.status === 'succeeded').length,
        truncatedRows,
        droppedRows,
        ...(skipped.length > 0 ? { skipped: skipped.map((entry) => `${jobLabel(entry)}: ${entry.reason ?? ''}`) } : {}),
      };
    },
    () =>
      readRunRegistry(context.run).entries.some((entry) => entry.method === method && entry.iteration === iteration),
  );
}

/**
 * The embedded trainer: one LoRA job per model, `--parallel-jobs` (this session) or `trainer.parallelJobs` at once,
 * longest first, in child processes (finetune-jobs.ts).
 */
function trainEmbedded(
  context: RunContext,
  method: FinetuneMethod,
  iteration: number,
  jobs: readonly DurableJob[],
): Promise<FinetuneOutcome> {
  const { trainer, backend, seed } = context.config;
  if (trainer.kind !== 'embedded' || backend.kind === 'openai')
    throw new MaftError(
      'CONFIG_INVALID',
      'the embedded trainer needs a GGUF model (llama-cpp or llama-server backend)',
      {
        field: 'trainer.kind',
      },
    );
  const threads = trainer.threads ?? backend.threads;
  const parallelJobs = context.parallelJobs ?? trainer.parallelJobs ?? defaultParallelJobs(threads);
  const training = jobs.filter((job) => job.rows.length > 0).length;
  if (parallelJobs > 1 && training > 1)
    context.log(
      `${stageId(method, iteration, 'train')}: up to ${Math.min(parallelJobs, training)} jobs at once, longest first, ${threads} thread${threads === 1 ? '' : 's'} each (${context.parallelJobs !== undefined ? '--parallel-jobs' : 'trainer.parallelJobs'}, trainer.threads)`,
    );
  const embeddedJobs: FinetuneJob[] = jobs.map(({ from, ...job }) =>
    from !== undefined && 'adapter' in from ? { ...job, initialAdapter: from.adapter } : job,
  );
  return runFinetuneJobs(
    context.run,
    backend.model,
    embeddedJobs,
    embeddedTrainerSettings(trainer, threads, seed),
    (label, progress) => {
      crashPoint(`${stageId(method, iteration, 'train')}:step-${progress.step}`);
      if (progress.step === progress.totalSteps)
        context.log(
          `${label}: ${progress.totalSteps} steps, loss ${progress.loss.toFixed(3)}, ${progress.tokensPerSecond.toFixed(0)} tok/s`,
        );
    },
    { parallelJobs },
  );
}

/** The other trainers as durable jobs: all started, then awaited, every transition in the registry. */
async function trainAsJobs(
  context: RunContext,
  method: FinetuneMethod,
  iteration: number,
  jobs: readonly DurableJob[],
): Promise<FinetuneOutcome> {
  const { config, run } = context;
  if (config.trainer.kind === 'embedded') throw new MaftError('INTERNAL', 'the embedded trainer is not a job kind');
  await preflightTrainer(config);
  const opened = openTrainer(
    config as RunConfig & { trainer: { kind: Exclude<RunConfig['trainer']['kind'], 'embedded'> } },
    (name) => run.artifactPath(name),
    () => readRunRegistry(run),
  );
  const backend = config.backend;
  return runDurableJobs(run, jobs, {
    ...opened,
    log: context.log,
    crash: (event) => crashPoint(`${stageId(method, iteration, 'train')}:${event}`),
    ...(config.trainer.kind === 'hf' && backend.kind !== 'openai'
      ? {
          finish: async (entry: RegistryEntry) =>
            entry.peftAdapter === undefined
              ? {}
              : convertHfProduct(entry.peftAdapter, backend.model, (name) => run.artifactPath(name)),
        }
      : {}),
  });
}

/** The method's models of iteration k answer the held-out split. */
export function evaluateOnHeldOut(context: RunContext, method: FinetuneMethod, iteration: number): Promise<void> {
  const id = stageId(method, iteration, 'eval');
  if (context.run.stageState(id) !== 'done')
    requireDone(context, stageId(method, iteration, 'train'), trainHint(method, iteration));
  return stage(context, id, () =>
    debateSplit(
      context,
      id,
      'eval',
      methodSociety(method, iteration, readRunRegistry(context.run), shape(context), modelOptions(context)),
    ),
  );
}

const loraTarget = (name: 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down') =>
  (
    ({
      q: 'attn_q',
      k: 'attn_k',
      v: 'attn_v',
      o: 'attn_output',
      gate: 'ffn_gate',
      up: 'ffn_up',
      down: 'ffn_down',
    }) as const
  )[name];

/**
 * The stage that answers a split at an iteration, as `maft debate` and `maft eval` name it: the eval split at
 * iteration 0 is the base society's `base/eval`; at k ≥ 1 the method's iteration-k models. The finetune split
 * at iteration k is the debate whose records make iteration k's data (k = 1: the base society's
 * `base/finetune`; STaR: its attempts with iteration k − 1's model). Returns the stage id it ran.
 */
export async function answerSplit(
  context: RunContext,
  split: 'finetune' | 'eval',
  method: FinetuneMethod,
  iteration: number,
): Promise<string> {
  // A held-out debate is followed by its society's diversity stage, as in `maft run` (docs/diversity.md).
  if (split === 'eval' && iteration === 0) {
    await debateBaseSociety(context, 'eval', baseEvalStage);
    await measureDiversity(context, 'base', 0);
    return baseEvalStage;
  }
  if (split === 'eval') {
    await evaluateOnHeldOut(context, method, iteration);
    await measureDiversity(context, method, iteration);
    return stageId(method, iteration, 'eval');
  }
  if (iteration === 0)
    throw new MaftError(
      'CONFIG_INVALID',
      "the finetune split is debated for iteration 1 or later (iteration k's data)",
      { field: '--iteration' },
    );
  const source = dataSourceStage(method, iteration);
  if (source === baseFinetuneStage) await debateBaseSociety(context, 'finetune', baseFinetuneStage);
  else await answerFinetuneSplit(context, method, iteration);
  return source;
}

/** The embedded trainer's settings of one job, from the run's `trainer` section (also what bench/ trains with). */
export function embeddedTrainerSettings(
  trainer: Extract<RunConfig['trainer'], { kind: 'embedded' }>,
  threads: number,
  seed: number,
): TrainerSettings {
  return {
    rank: trainer.rank,
    alpha: trainer.alpha ?? 2 * trainer.rank,
    ...(trainer.targets ? { targets: trainer.targets.map(loraTarget) } : {}),
    epochs: trainer.epochs,
    learningRate: trainer.learningRate,
    warmupShare: trainer.warmupShare,
    windowLength: trainer.windowLength,
    windowsPerStep: trainer.windowsPerStep,
    threads,
    seed,
  };
}
