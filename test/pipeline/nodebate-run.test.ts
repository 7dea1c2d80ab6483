/**
 * `maft run` with the "single-agent FT without debate" ablation (`single-agent-ft-nodebate`) end to end, on the
 * shipped arithmetic model: one iteration, two problems per split, one thread. What maft implements for it
 * (src/spec/methods.ts, src/finetune-data/method-data.ts): one shared model trained on the base society's round-1
 * replies that agree with the round-1 majority — generator-side rows only, no critic row, no debate context — and
 * used as every agent of the held-out debate. The test would fail if the method's data were another method's
 * (critic rows, later rounds, the final majority), if no job trained its adapter, if its society did not use that
 * adapter, or if results.json, the table or `maft status` left it out. Every other method runs end to end in
 * test/pipeline/run-command.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRegistry } from '../../src/finetune/model-registry.js';
import { readDatasetSummary, readRowsFile } from '../../src/run-store/read-dataset-files.js';
import { readRun } from '../../src/run-store/read-run.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import type { RunResults } from '../../src/spec/run-results.js';
import type { RunStatus } from '../../src/status/describe-status.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { tinyRunConfig } from '../helpers/tiny-run-config.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const method = 'single-agent-ft-nodebate';
const directory = temporaryDirectory('nodebate-run');
const configFile = path.join(directory, 'nodebate.yaml');
const run = path.join(directory, 'run');
const artifact = (name: string) => path.join(run, 'artifacts', name);
const dataDirectory = artifact(`data/${method}/iteration-1`);

beforeAll(() => {
  writeFileSync(configFile, tinyRunConfig({ methods: `[base, ${method}]` }));
});

describe('maft run with single-agent FT without debate', () => {
  it('trains one model on round-1 majority answers only and evaluates the society that uses it', async () => {
    const made = await runInProcess(['run', configFile, '--run', run]);
    expect(made.status, made.stderr.slice(-2000)).toBe(0);
    expect(made.stdout).toContain('Single-agent FT (no debate)');

    // Its data: one shared model's rows, each a base-society agent's round-1 reply (the task prompt alone before
    // it) that agrees with the round-1 vote — never a critic row, a later round or the final majority's.
    const summary = readDatasetSummary(path.join(dataDirectory, 'summary.json'));
    expect(summary.source).toBe('base/finetune');
    expect(summary.models).toMatchObject([{ name: 'single-agent-nodebate', agent: null, role: 'single' }]);
    expect(summary.models).toHaveLength(1);
    const rows = readRowsFile(path.join(dataDirectory, 'rows', 'single-agent-nodebate.jsonl')).map(({ row }) => row);
    expect(rows.length).toBeGreaterThan(0);
    const debates = readRun(run).records<DebateTranscript>('base/finetune');
    expect(debates).toHaveLength(2);
    for (const row of rows) {
      expect(row.metadata).toMatchObject({ role: 'generator', kind: 'majority', sourceRound: 1, iteration: 1 });
      const debate = debates.find((transcript) => transcript.problemId === row.metadata.problemId);
      const own = debate?.agents[row.metadata.agent];
      expect(row.prompt).toEqual(own?.conversation.slice(0, 1));
      expect(row.completion.content).toBe(own?.conversation[1]?.content);
      expect(row.metadata.majority).toBe(debate?.votes[0]?.winner);
      expect(debate?.votes[0]?.classes[0]?.members).toContain(row.metadata.agent);
    }
    // Every round-1 reply in the round-1 majority that was not cut off is a row (none is left out).
    const expected = debates.flatMap((debate) =>
      (debate.votes[0]?.winner === null ? [] : (debate.votes[0]?.classes[0]?.members ?? []))
        .filter((agent) => debate.agents[agent]?.turns[0]?.response.finishReason !== 'length')
        .map((agent) => `${debate.problemId}/${agent}`),
    );
    expect(rows.map((row) => `${row.metadata.problemId}/${row.metadata.agent}`).sort()).toEqual(expected.sort());

    // One training job, for the one shared model, really ran and wrote its adapter.
    const registry = JSON.parse(readFileSync(artifact('models/registry.json'), 'utf8')) as ModelRegistry;
    const jobs = registry.entries.filter((entry) => entry.method === method);
    expect(jobs).toMatchObject([{ iteration: 1, agent: null, role: 'single', status: 'succeeded', rows: rows.length }]);
    expect(jobs[0]?.result?.steps).toBeGreaterThan(0);
    const adapter = readFileSync(artifact(jobs[0]?.adapter as string));
    expect(adapter.subarray(0, 4).toString('latin1')).toBe('GGUF');

    // Its held-out debate: every agent of the society, in every round, is that one finetuned model.
    const evaluated = readRun(run).records<DebateTranscript>(`${method}/iteration-1/eval`);
    const base = readRun(run).records<DebateTranscript>('base/eval');
    expect(evaluated).toHaveLength(2);
    const modelIds = new Set(
      evaluated.flatMap((debate) => debate.agents.flatMap((agent) => agent.turns)).map((turn) => turn.response.modelId),
    );
    const baseIds = new Set(
      base.flatMap((debate) => debate.agents.flatMap((agent) => agent.turns)).map((turn) => turn.response.modelId),
    );
    expect(modelIds.size).toBe(1);
    expect([...modelIds].filter((id) => baseIds.has(id))).toEqual([]);

    // results.json: its data sizes, training curve and accuracy at iteration 1 (after iteration 0, the base's).
    const results = JSON.parse(readFileSync(artifact('results.json'), 'utf8')) as RunResults;
    expect(results.progress).toMatchObject({ finished: true });
    expect(results.methods).toEqual(['base', method]);
    expect(results.datasets.filter((size) => size.method === method)).toMatchObject([
      { iteration: 1, agent: null, generator: rows.length, corrected: 0, confirmed: 0, critic: 0 },
    ]);
    expect(results.training.filter((curve) => curve.method === method)).toMatchObject([
      { iteration: 1, agent: null, role: 'single', rows: rows.length },
    ]);
    const scores = results.scores.filter((score) => score.method === method);
    expect(scores.map((score) => score.iteration)).toEqual([0, 1]);
    for (const score of scores) {
      expect(score.problems).toBe(2);
      expect(score.accuracy).toBe(score.correct / 2);
    }

    // maft status names its stages, all done.
    const status = await runInProcess(['status', run, '--json']);
    expect(status.status, status.stderr).toBe(0);
    const value = JSON.parse(status.stdout) as RunStatus;
    expect(value.finished).toBe(true);
    const own = value.stages.filter((stage) => stage.id.startsWith(`${method}/`));
    expect(own.map((stage) => stage.id)).toEqual(
      expect.arrayContaining([
        `${method}/iteration-1/data`,
        `${method}/iteration-1/train`,
        `${method}/iteration-1/eval`,
      ]),
    );
    expect(own.every((stage) => stage.state === 'done')).toBe(true);
  });
});
