/**
 * How often the labels are right, on a real run: the shipped arithmetic model debates the finetune split
 * (`maft debate`, the embedded engine), STaR makes its attempts, `maft build-data` builds every method's data.
 * summary.json's and results.json's counts must equal a count made here straight from the rows files and the
 * debate records, with the eval's grading and none of the dataset code. And `maft labels` recounts the same
 * counts from the stored rows and records, without writing into the run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';
import { isEquivalent } from '../../src/grading/equivalence.js';
import type { DebateTranscript, StarRecord } from '../../src/spec/debate.js';
import type { AnswerType } from '../../src/spec/problem.js';
import type { DatasetSize, RunResults } from '../../src/spec/run-results.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const run = path.join(temporaryDirectory('label-accuracy-run'), 'run');
const methods = ['multiagent-ft', 'single-agent-ft', 'majority-ft', 'star'] as const;
const jsonLines = <T>(file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
const maft = (args: string[]) => {
  const result = runCli(args);
  expect(result.status, result.stderr.slice(-2000)).toBe(0);
  return result.stdout;
};

describe('label accuracy on a real run', () => {
  it('counts the right rows and round-1 answers of every method, in summary.json and results.json', () => {
    const common = ['--run', run, '--threads', '1', '--problem-concurrency', '1'];
    maft([
      'debate',
      ...common,
      ...['--task', 'arithmetic', '--split', 'finetune', '--finetune-count', '6', '--eval-count', '1'],
      ...['--agents', '3', '--rounds', '2', '--max-tokens', '160', '--context-size', '1024'],
      ...['--model', shippedBaseModel, '--methods', methods.join(','), '--iterations', '1'],
    ]);
    maft(['debate', ...common, '--split', 'finetune', '--method', 'star', '--iteration', '1']);

    const debates = jsonLines<DebateTranscript>(path.join(run, 'records', 'base', 'finetune.jsonl'));
    const attempts = jsonLines<StarRecord>(path.join(run, 'records', 'star', 'iteration-1', 'finetune.jsonl')).map(
      (record) => record.attempt,
    );
    const right = (answer: string | null, record: DebateTranscript | undefined) =>
      record !== undefined &&
      isEquivalent(answer, record.groundTruth, record.answerType as AnswerType, record.grading ?? 'default');

    for (const method of methods) {
      const output = JSON.parse(maft(['build-data', run, '--method', method, '--json'])) as { sizes: DatasetSize[] };
      const directory = path.join(run, 'artifacts', 'data', method, 'iteration-1');
      const summary = JSON.parse(readFileSync(path.join(directory, 'summary.json'), 'utf8')) as {
        sizes: DatasetSize[];
        models: { name: string; agent: number | null; role: string }[];
      };
      expect(output.sizes).toEqual(summary.sizes);
      const records = method === 'star' ? attempts : debates;
      const byId = new Map(records.map((record) => [record.problemId, record]));
      // One size per model of the method: per agent for multiagent FT (its generator and critic datasets), else one.
      const expected = summary.sizes.map(({ agent }) => {
        const rows = summary.models
          .filter((model) => model.agent === agent)
          .flatMap(({ name }) => jsonLines<TrainingRow>(path.join(directory, 'rows', `${name}.jsonl`)));
        const isRight = (row: TrainingRow) => right(row.metadata.answer, byId.get(row.metadata.problemId));
        // STaR's hinted retries are its `corrected`, not its generator rows; each is kept only when right.
        const retries = rows.filter((row) => row.metadata.kind === 'star-rationalized');
        expect(retries.filter(isRight)).toHaveLength(retries.length);
        const rightRows = (role: 'generator' | 'critic') =>
          rows.filter((row) => row.metadata.role === role && row.metadata.kind !== 'star-rationalized' && isRight(row))
            .length;
        const corrected = rows.filter((row) => row.metadata.kind === 'critic-corrected');
        const firsts = records.flatMap((record) =>
          record.agents.filter((own) => agent === null || own.agent === agent).map((own) => ({ own, record })),
        );
        return {
          agent,
          generatorRight: rightRows('generator'),
          criticRight: rightRows('critic'),
          correctedKept: corrected.length,
          criticCorrectedRight: corrected.filter(isRight).length,
          firstRoundReplies: firsts.length,
          firstRoundRight: firsts.filter(({ own, record }) => right(own.turns[0]?.answer ?? null, record)).length,
        };
      });
      expect(
        summary.sizes.map(
          ({
            agent,
            generatorRight,
            criticRight,
            correctedKept,
            criticCorrectedRight,
            firstRoundReplies,
            firstRoundRight,
          }) => ({
            agent,
            generatorRight,
            criticRight,
            correctedKept,
            criticCorrectedRight,
            firstRoundReplies,
            firstRoundRight,
          }),
        ),
      ).toEqual(expected);
      // Something was counted: the shipped model answers most of these sums right.
      expect(summary.sizes.reduce((sum, size) => sum + size.firstRoundRight!, 0)).toBeGreaterThan(0);
    }

    const results = JSON.parse(readFileSync(path.join(run, 'artifacts', 'results.json'), 'utf8')) as RunResults;
    for (const method of methods) {
      const summary = JSON.parse(
        readFileSync(path.join(run, 'artifacts', 'data', method, 'iteration-1', 'summary.json'), 'utf8'),
      ) as { sizes: DatasetSize[] };
      expect(results.datasets.filter((size) => size.method === method)).toEqual(summary.sizes);
    }
    const status = runCli(['status', run]);
    expect(status.stdout).toContain('labels right');

    // The recount of the stored run: every dataset, equal to summary.json, and the run left as it was.
    const before = snapshotDirectory(run);
    const labels = JSON.parse(maft(['labels', run, '--json'])) as {
      datasets: { method: string; iteration: number; sizes: DatasetSize[]; difference?: string }[];
    };
    expect(labels.datasets.map(({ method, iteration }) => [method, iteration])).toEqual(
      methods.map((method) => [method, 1]),
    );
    for (const dataset of labels.datasets) {
      const summary = JSON.parse(
        readFileSync(path.join(run, 'artifacts', 'data', dataset.method, 'iteration-1', 'summary.json'), 'utf8'),
      ) as { sizes: DatasetSize[] };
      expect(dataset.sizes).toEqual(summary.sizes);
      expect(dataset.difference).toBeUndefined();
    }
    expect(snapshotDirectory(run)).toEqual(before);
  });
});
