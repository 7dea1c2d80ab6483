/**
 * `maft labels <run-dir>` on a run built by hand (the run config and `base/finetune` records with known
 * transcripts and ground truths, then `maft build-data`): it recounts every dataset's labels from the rows and
 * the records, prints the run's label table and build-data's per-model lines, never writes into the run, and
 * refuses a damaged rows file with its file and line.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import type { DatasetSize } from '../../src/spec/run-results.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';
import { handMadeRun } from '../helpers/hand-made-run.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';

const directory = temporaryDirectory('labels');
const methods = ['multiagent-ft', 'single-agent-ft'] as const;
let run: string;
let noData: string;

interface LabelsJson {
  datasets: { method: string; iteration: number; source: string; sizes: DatasetSize[]; difference?: string }[];
}
const summaryFile = (dir: string, method: string) =>
  path.join(dir, 'artifacts', 'data', method, 'iteration-1', 'summary.json');
const summaryOf = (dir: string, method: string) =>
  JSON.parse(readFileSync(summaryFile(dir, method), 'utf8')) as { sizes: DatasetSize[] } & Record<string, unknown>;
const copyOfRun = (name: string) => {
  const copy = path.join(directory, name);
  cpSync(run, copy, { recursive: true });
  return copy;
};

beforeAll(async () => {
  const model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 3 }));
  const config = {
    seed: 5,
    methods: [...methods],
    iterations: 1,
    split: { finetuneCount: 5, evalCount: 3 },
    backend: { kind: 'llama-cpp', model, contextSize: 256 },
  };
  // Ground truths as in label-accuracy.test.ts: some labels right, some wrong (p3's final majority 4 is wrong).
  const truths = ['5', '0.50', '9', '1', '2'];
  const transcripts = fiveDebates().map((transcript, index) => ({ ...transcript, groundTruth: truths[index]! }));
  noData = await handMadeRun(path.join(directory, 'no-data'), config, transcripts);
  run = await handMadeRun(path.join(directory, 'run'), config, transcripts);
  for (const method of methods) {
    const built = await runInProcess(['build-data', run, '--method', method]);
    expect(built.status, built.stderr).toBe(0);
  }
});

describe('maft labels', () => {
  it('recounts every dataset to what summary.json stores, and writes nothing into the run', async () => {
    const before = snapshotDirectory(run);
    const result = await runInProcess(['labels', run, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as LabelsJson;
    expect(json.datasets.map(({ method, iteration, source }) => [method, iteration, source])).toEqual(
      methods.map((method) => [method, 1, 'base/finetune']),
    );
    for (const dataset of json.datasets) {
      expect(dataset.sizes).toEqual(summaryOf(run, dataset.method).sizes);
      expect(dataset.difference).toBeUndefined();
    }
    // Something is counted right and something wrong, so equality above is not 0 = 0.
    const multiagent = json.datasets[0]!.sizes;
    expect(multiagent.reduce((sum, size) => sum + size.generatorRight!, 0)).toBeGreaterThan(0);
    expect(multiagent.some((size) => size.generatorRight! + size.criticRight! < size.generator + size.critic)).toBe(
      true,
    );

    const text = await runInProcess(['labels', run]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('labels right');
    expect(text.stdout).toMatch(/Multiagent FT\s+1\s+\d+\/\d+ \(/);
    expect(text.stdout).toContain('multiagent-ft/iteration-1/data from base/finetune');
    expect(text.stdout).toMatch(/ {2}agent 0: generator \d+, D⁻ corrected \d+/);
    expect(text.stdout).toContain('shared model: generator');
    expect(text.stdout).not.toContain('differs');
    expect(snapshotDirectory(run)).toEqual(before);
  });

  it('gives a run made before the counts its labels, and says where summary.json disagrees with the rows', async () => {
    const old = copyOfRun('old');
    const strip = ({ generatorRight: _g, criticRight: _c, criticCorrectedRight: _d, ...rest }: DatasetSize) => rest;
    const summary = summaryOf(old, 'multiagent-ft');
    writeFileSync(summaryFile(old, 'multiagent-ft'), JSON.stringify({ ...summary, sizes: summary.sizes.map(strip) }));
    const recounted = JSON.parse((await runInProcess(['labels', old, '--json'])).stdout) as LabelsJson;
    expect(recounted.datasets[0]!.sizes).toEqual(summaryOf(run, 'multiagent-ft').sizes);
    expect(recounted.datasets[0]!.difference).toBeUndefined();

    const wrong = copyOfRun('wrong');
    const stored = summaryOf(wrong, 'single-agent-ft');
    const [size] = stored.sizes;
    writeFileSync(
      summaryFile(wrong, 'single-agent-ft'),
      JSON.stringify({ ...stored, sizes: [{ ...size, criticRight: size!.criticRight! + 1 }] }),
    );
    const result = await runInProcess(['labels', wrong]);
    expect(result.status).toBe(0);
    const warnings = result.stdout.split('\n').filter((line) => line.includes('differs'));
    expect(warnings).toEqual([
      `maft labels: warning: single-agent-ft iteration 1: the recount differs from summary.json (summary → recount): shared model criticRight ${size!.criticRight! + 1} → ${size!.criticRight}`,
    ]);
  });

  it('says a run with no data yet has none, and exits 0', async () => {
    const result = await runInProcess(['labels', noData]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('no finetuning data yet');
    expect(JSON.parse((await runInProcess(['labels', noData, '--json'])).stdout)).toEqual({ datasets: [] });
  });

  it('refuses a damaged rows file with its file and line, and a non-zero exit', async () => {
    const damaged = copyOfRun('damaged');
    const rows = path.join(
      damaged,
      'artifacts',
      'data',
      'multiagent-ft',
      'iteration-1',
      'rows',
      'agent-1-generator.jsonl',
    );
    const lines = readFileSync(rows, 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(2);
    lines[0] = '{"prompt": [';
    writeFileSync(rows, lines.join('\n'));
    const result = await runInProcess(['labels', damaged]);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${rows}:1`);
    expect(result.stdout).toBe('');
  });

  it('refuses a row of a problem the source records do not hold, naming its file and line', async () => {
    const foreign = copyOfRun('foreign');
    const rows = path.join(
      foreign,
      'artifacts',
      'data',
      'single-agent-ft',
      'iteration-1',
      'rows',
      'single-agent.jsonl',
    );
    const lines = readFileSync(rows, 'utf8').split('\n');
    const row = JSON.parse(lines[1]!) as { metadata: { problemId: string } };
    row.metadata.problemId = 'elsewhere';
    lines[1] = JSON.stringify(row);
    writeFileSync(rows, lines.join('\n'));
    const result = await runInProcess(['labels', foreign, '--json']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`RUN_CORRUPT]: ${rows}:2: row of problem "elsewhere"`);
  });
});
