/**
 * Gather a run's results from its directory and write `artifacts/results.json` (atomically). Called after
 * every stage; `maft report` and `maft status` read that file.
 */
import type { RunConfig } from '../config/run-config.js';
import type { DebateTranscript } from '../spec/debate.js';
import { parseRegistry, registryArtifact } from '../finetune/model-registry.js';
import { packageVersion } from '../util/package-version.js';
import type { DatasetSize } from '../finetune-data/method-data.js';
import { isFinetuneMethod } from '../spec/methods.js';
import type { RunContext } from './run-context.js';
import { datasetDirectory, lastIteration, methodIterations, planRun } from '../run-store/run-plan.js';
import { computeScores, sampleDebates, trainingCurves } from '../evaluate/scores.js';
import type { DebateSample, DiversityScore, RunResults } from '../spec/run-results.js';
import type { DiversityRecord } from '../diversity/measure-debate.js';
import { summarizeDiversity } from '../diversity/summarize.js';
import { stageLog, stageSplit } from './stage-records.js';
import { diversityLog } from './diversity-stage.js';

export const resultsArtifact = 'results.json';

/** What results need from a run: its config, stage states, records and artifacts. */
export interface RunView {
  config: RunConfig;
  stageState(stage: string): 'pending' | 'running' | 'done';
  records<T>(stage: string): readonly T[];
  readArtifact(name: string): string | undefined;
  /** Held-out problem ids in split order (the report's samples follow it). */
  evalProblemIds: readonly string[];
}

export function collectRunResults(view: RunView): RunResults {
  const { config } = view;
  const plan = planRun(config);
  const done = plan.filter((stage) => view.stageState(stage.id) === 'done');
  const evaluated = new Map<string, readonly DebateTranscript[]>();
  for (const stage of done) {
    if (stage.kind === 'debate' && stage.split === 'eval')
      evaluated.set(stage.id, view.records<DebateTranscript>(stage.id));
  }
  const datasets: DatasetSize[] = [];
  for (const stage of done) {
    if (stage.kind !== 'data' || stage.method === 'base') continue;
    const summary = JSON.parse(
      view.readArtifact(`${datasetDirectory(stage.method, stage.iteration)}/summary.json`) ?? 'null',
    ) as { sizes?: DatasetSize[] } | null;
    datasets.push(...(summary?.sizes ?? []));
  }
  const samples: DebateSample[] = [];
  for (const stage of done) {
    if (stage.kind !== 'debate' || stage.split !== 'eval') continue;
    const method = stage.method === 'base' ? 'debate' : stage.method;
    samples.push(
      ...sampleDebates(
        stage.id,
        method,
        stage.iteration,
        evaluated.get(stage.id) ?? [],
        view.evalProblemIds,
        config.reportSamples,
      ),
    );
  }
  const registryEntries = parseRegistry(view.readArtifact(registryArtifact)).entries.filter((entry) =>
    isFinetuneMethod(entry.method),
  );
  const skippedTraining = registryEntries
    .filter((entry) => entry.status === 'skipped' && entry.rows > 0)
    .map(({ method, iteration, agent, role, rows, reason }) => ({
      method,
      iteration,
      agent,
      role,
      rows,
      reason: reason ?? '',
    }));
  const diversity: DiversityScore[] = [];
  for (const stage of done) {
    if (stage.kind !== 'diversity') continue;
    const records = view.records<DiversityRecord>(stage.id);
    diversity.push(summarizeDiversity(stage.method === 'base' ? 'debate' : stage.method, stage.iteration, records));
  }
  return {
    maftVersion: packageVersion(),
    updatedAt: new Date().toISOString(),
    task: config.task.name,
    model: config.backend.model,
    agents: config.society.agents,
    rounds: config.society.rounds,
    iterations: Math.max(config.iterations, lastIteration(config)), // L, or STaR's own count when larger (the report's axis)
    finetuneProblems: config.split.finetuneCount,
    evalProblems: config.split.evalCount,
    methods: [...config.methods],
    progress: { done: done.length, total: plan.length, finished: done.length === plan.length },
    scores: computeScores(
      config.methods,
      (method) => (isFinetuneMethod(method) ? methodIterations(config, method) : 0),
      evaluated,
    ),
    datasets,
    training: trainingCurves(registryEntries),
    ...(skippedTraining.length > 0 ? { skippedTraining } : {}),
    diversity,
    samples,
  };
}

export function writeRunResults(context: RunContext): RunResults {
  const { run } = context;
  const results = collectRunResults({
    config: context.config,
    stageState: (stage) => run.stageState(stage),
    records: <T>(stage: string) =>
      stageSplit(context, stage) === undefined && stage.endsWith('/diversity')
        ? (diversityLog(context, stage).records() as T[])
        : stageLog<T & { problemId: string }>(context, stage, stageSplit(context, stage) ?? 'eval').records(),
    readArtifact: (name) => run.readArtifact(name),
    evalProblemIds: context.evalProblems.map((problem) => problem.id),
  });
  run.writeArtifact(resultsArtifact, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}
