/**
 * One score of a run, problem by problem (read-only, like `maft status`: no lock, nothing repaired): which of
 * the held-out problems the score's answers got right, read from the records of the stage that scores it
 * (evaluate/scores.ts, `scoreSource`). `maft compare` pairs two of them (`compareRunScores`,
 * evaluate/paired-difference.ts).
 */
import { runConfigSchema } from '../config/run-config.js';
import { validateConfig } from '../config/validate-config.js';
import { MaftError } from '../errors/maft-error.js';
import { pairedDifference, type PairedDifference } from '../evaluate/paired-difference.js';
import { rightByProblem, scoreSource } from '../evaluate/scores.js';
import { readRun } from '../run-store/read-run.js';
import { finetuneMethodsOf, methodIterations } from '../run-store/run-plan.js';
import type { DebateTranscript } from '../spec/debate.js';
import { isFinetuneMethod, methodNames, type MethodName } from '../spec/methods.js';

/** A score of a run: `debate`, or `multiagent-ft@3` (iteration 3; without `@k`, the method's last iteration). */
export interface ScoreName {
  method: MethodName;
  iteration: number;
}

/** `multiagent-ft@3` → its method and iteration, checked against the run's config (one-line errors). */
export function parseScoreName(
  text: string,
  config: { methods: readonly MethodName[]; iterations: number; star?: { iterations?: number | undefined } },
): ScoreName {
  const match = /^([a-z-]+)(?:@(\d+))?$/.exec(text);
  const method = match?.[1] as MethodName | undefined;
  if (match === null || method === undefined || !(methodNames as readonly string[]).includes(method)) {
    throw new MaftError(
      'UNKNOWN_NAME',
      `${JSON.stringify(text)}: expected a method of the run, optionally @iteration (${methodNames.join(', ')}; e.g. multiagent-ft@3)`,
    );
  }
  // base, majority and debate are scored from base/eval, which every run has; a finetuning method must be the run's.
  if (isFinetuneMethod(method) && !finetuneMethodsOf(config.methods).includes(method))
    throw new MaftError(
      'UNKNOWN_NAME',
      `${JSON.stringify(text)}: ${method} is not a method of this run (methods: ${config.methods.join(', ')})`,
    );
  const last = isFinetuneMethod(method) ? methodIterations(config, method) : 0;
  const iteration = match[2] === undefined ? last : Number(match[2]);
  if (iteration > last)
    throw new MaftError(
      'CONFIG_INVALID',
      `${JSON.stringify(text)}: expected an iteration from 0 to ${last}, the run's last of ${method}`,
    );
  return { method, iteration };
}

/** What the score's answers got right, problem id → right, and the stage they come from. */
export function readScoreByProblem(
  directory: string,
  text: string,
): { name: ScoreName; stage: string; right: Map<string, boolean>; questions: Map<string, string> } {
  const run = readRun(directory);
  const config = validateConfig(runConfigSchema, run.config, `config of ${directory}`);
  const name = parseScoreName(text, config);
  const { stage, selection } = scoreSource(name.method, name.iteration);
  if (run.manifest.stages[stage]?.state !== 'done')
    throw new MaftError(
      'INPUT_INVALID',
      `${text}: its stage ${stage} is not done yet (maft status ${directory} shows where the run is)`,
      { file: directory },
    );
  const transcripts = run.records<DebateTranscript>(stage, { total: config.split.evalCount });
  return {
    name,
    stage,
    right: rightByProblem(transcripts, selection),
    questions: new Map(transcripts.map((transcript) => [transcript.problemId, transcript.question])),
  };
}

/** Two scores compared, each with the name it is shown under and the stage it was read from. */
export interface RunScoreComparison {
  names: { a: string; b: string };
  stages: { a: string; b: string };
  comparison: PairedDifference;
}

/**
 * Score `a` of the run in `directory` against score `b` of the run in `against` (default: the same run), on the
 * same held-out problems: same ids and the same question under each id, else INPUT_INVALID (a paired comparison of
 * different problems means nothing). A score of another run is named `<run>:<score>`.
 */
export function compareRunScores(directory: string, a: string, b: string, against = directory): RunScoreComparison {
  const first = readScoreByProblem(directory, a);
  const second = readScoreByProblem(against, b);
  const names = { a, b: against === directory ? b : `${against}:${b}` };
  for (const [id, question] of first.questions) {
    const theirs = second.questions.get(id);
    if (theirs !== undefined && theirs !== question)
      throw new MaftError(
        'INPUT_INVALID',
        `${names.a} and ${names.b} have different problems under one id ${JSON.stringify(id)} (other splits or tasks): not comparable`,
      );
  }
  return {
    names,
    stages: { a: first.stage, b: second.stage },
    comparison: pairedDifference(first.right, second.right, names),
  };
}
