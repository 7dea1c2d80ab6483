/**
 * The train stage reads its data strictly (src/run-store/read-dataset-files.ts, the reader `maft labels` uses
 * too): a damaged rows file — a torn last line, a line that is not JSON, a line that is JSON but not a training
 * row, a file summary.json lists that is gone — or a damaged summary.json makes `maft finetune` fail with one
 * RUN_CORRUPT line naming the file and line, a non-zero exit, and no training job started or recorded: not even
 * for the models whose rows are intact (every rows file is read before the first job starts). The run is made by
 * hand (known transcripts, `maft build-data`), so no debate is run and no model trains; the intact rows read back
 * whole, so the reader refuses damage, not the data stage's own rows (that the stage trains on them is
 * test/finetune/finetune-command.test.ts's).
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { readDatasetSummary, readRowsFile } from '../../src/run-store/read-dataset-files.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';
import { handMadeRun } from '../helpers/hand-made-run.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('damaged-rows');
const trainStage = 'multiagent-ft/iteration-1/train';
const finetune = (run: string) => runInProcess(['finetune', run, '--method', 'multiagent-ft', '--iteration', '1']);
const dataDirectory = (run: string) => path.join(run, 'artifacts', 'data', 'multiagent-ft', 'iteration-1');
const rowsFile = (run: string, model: string) => path.join(dataDirectory(run), 'rows', `${model}.jsonl`);
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
let run: string;

beforeAll(async () => {
  const model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 3 }));
  const config = {
    seed: 5,
    methods: ['multiagent-ft'],
    iterations: 1,
    split: { finetuneCount: 5, evalCount: 3 },
    backend: { kind: 'llama-cpp', model, contextSize: 256, threads: 1 },
  };
  run = await handMadeRun(path.join(directory, 'run'), config, fiveDebates());
  const built = await runInProcess(['build-data', run, '--method', 'multiagent-ft']);
  expect(built.status, built.stderr).toBe(0);
  // The damage below is to agent 1's generator rows: agent 0's come first and are intact.
  expect(lines(rowsFile(run, 'agent-1-generator')).length).toBeGreaterThanOrEqual(2);
});

const copyOfRun = (name: string) => {
  const copy = path.join(directory, name);
  cpSync(run, copy, { recursive: true });
  return copy;
};

/** `maft finetune` on a damaged copy: one RUN_CORRUPT line matching `names`, and nothing trained or recorded. */
async function expectRefused(copy: string, names: RegExp) {
  const data = snapshotDirectory(dataDirectory(copy));
  const result = await finetune(copy);
  expect(result.status, result.stderr).toBe(1);
  const errorLines = result.stderr.split('\n').filter((line) => line !== '');
  expect(errorLines, result.stderr).toHaveLength(1);
  expect(errorLines[0]).toMatch(/^maft: error \[RUN_CORRUPT\]: /);
  expect(errorLines[0]).toMatch(names);
  // No job started or recorded (no registry, no plan), the stage not left running, the data as it was.
  expect(existsSync(path.join(copy, 'artifacts', 'models'))).toBe(false);
  expect(existsSync(path.join(copy, 'artifacts', 'jobs'))).toBe(false);
  const manifest = JSON.parse(readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as {
    stages: Record<string, unknown>;
  };
  expect(manifest.stages[trainStage]).toBeUndefined();
  expect(snapshotDirectory(dataDirectory(copy))).toEqual(data);
}

const escaped = (file: string) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('maft finetune on damaged training data', () => {
  it('refuses a torn last line of a rows file, naming its file and line', async () => {
    const copy = copyOfRun('torn');
    const file = rowsFile(copy, 'agent-1-generator');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 20));
    const last = lines(rowsFile(run, 'agent-1-generator')).length;
    await expectRefused(
      copy,
      new RegExp(
        `${escaped(file)}:${last}: torn last line \\(no trailing newline\\) in a data file that is written whole`,
      ),
    );
  });

  it('refuses a line that is not JSON, with good lines after it', async () => {
    const copy = copyOfRun('not-json');
    const file = rowsFile(copy, 'agent-1-generator');
    const rows = lines(file);
    rows[0] = '{"prompt": [';
    writeFileSync(file, `${rows.join('\n')}\n`);
    await expectRefused(copy, new RegExp(`${escaped(file)}:1: invalid JSON`));
  });

  it('refuses a line that is JSON but not a training row, naming the field', async () => {
    const copy = copyOfRun('not-a-row');
    const file = rowsFile(copy, 'agent-1-generator');
    const rows = lines(file);
    const row = JSON.parse(rows[1]!) as { metadata: Record<string, unknown> };
    rows[1] = JSON.stringify({ ...row, metadata: { ...row.metadata, kind: 'guess' } });
    writeFileSync(file, `${rows.join('\n')}\n`);
    await expectRefused(copy, new RegExp(`${escaped(file)}:2: metadata\\.kind: not a training row`));

    const noPrompt = copyOfRun('no-prompt');
    const other = rowsFile(noPrompt, 'agent-1-generator');
    writeFileSync(other, `${JSON.stringify({ completion: row, metadata: row.metadata })}\n`);
    await expectRefused(noPrompt, new RegExp(`${escaped(other)}:1: prompt: not a training row`));
  });

  it('refuses a rows file summary.json lists that is missing, instead of training on no rows', async () => {
    const copy = copyOfRun('missing');
    const file = rowsFile(copy, 'agent-1-generator');
    rmSync(file);
    await expectRefused(copy, new RegExp(`${escaped(file)}: rows file listed in summary\\.json is missing`));
  });

  it('refuses a summary.json that is not JSON', async () => {
    const copy = copyOfRun('summary');
    const file = path.join(dataDirectory(copy), 'summary.json');
    writeFileSync(file, readFileSync(file).subarray(0, 30));
    await expectRefused(copy, new RegExp(`${escaped(file)}: not valid JSON`));
  });

  it('reads every rows file of the intact data back, row for row (what the train stage trains on)', () => {
    const summary = readDatasetSummary(path.join(dataDirectory(run), 'summary.json'));
    expect(summary.models.length).toBeGreaterThan(1);
    for (const model of summary.models) {
      const file = rowsFile(run, model.name);
      const read = readRowsFile(file);
      expect(read.map(({ line }) => line)).toEqual(lines(file).map((_, index) => index + 1));
      expect(read.map(({ row }) => JSON.stringify(row))).toEqual(lines(file));
    }
    const roles = new Set(
      summary.models.flatMap((model) => readRowsFile(rowsFile(run, model.name)).map(({ row }) => row.metadata.role)),
    );
    expect([...roles].sort()).toEqual(['critic', 'generator']);
  });
});
