/**
 * Two train stages of one run at once (`maft run`'s method chains side by side), on a real tiny model and real
 * training children: each `runFinetuneJobs` call records its entries as read-modify-writes of the registry file, so
 * neither drops the other's — the entries the other wrote after this call first read the registry included.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import {
  readRunRegistry,
  runFinetuneJobs,
  saveRegistryEntry,
  type FinetuneJob,
  type TrainerSettings,
} from '../../src/finetune/finetune-jobs.js';
import { jobLabel } from '../../src/finetune/finetune-jobs.js';
import type { RegistryEntry } from '../../src/finetune/model-registry.js';
import { additionRow } from './addition-row.js';
import { openRun } from '../../src/run-store/open-run.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('registry-concurrency');
let modelPath: string;
let runs = 0;
const newRun = () => openRun(path.join(directory, `run-${runs++}`), { test: 'registry' }, { command: ['test'] });

const row = additionRow;
const settings: TrainerSettings = {
  rank: 2,
  alpha: 4,
  epochs: 1,
  learningRate: 1e-3,
  warmupShare: 0,
  windowLength: 64,
  windowsPerStep: 1,
  threads: 1,
  seed: 5,
};

beforeAll(async () => {
  modelPath = path.join(directory, 'tiny.gguf');
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 3 }));
});

describe('the model registry under two train stages at once', () => {
  it('keeps every entry of both stages', async () => {
    const run = newRun();
    // Each stage: one model that trains (two rows) and one without rows (recorded `skipped` before any await).
    const multiagent: FinetuneJob[] = [
      { method: 'multiagent-ft', iteration: 1, agent: 0, role: 'generator', rows: [row(1, 2), row(3, 4)] },
      { method: 'multiagent-ft', iteration: 1, agent: 1, role: 'generator', rows: [] },
    ];
    const single: FinetuneJob[] = [
      { method: 'single-agent-ft', iteration: 1, agent: null, role: 'single', rows: [row(2, 2), row(5, 1)] },
      { method: 'single-agent-ft', iteration: 2, agent: null, role: 'single', rows: [] },
    ];
    // Started together: the second reads the registry after the first's `skipped` entry, and each then writes
    // `running` and `succeeded` while the other is between its own writes.
    const [first, second] = await Promise.all([
      runFinetuneJobs(run, modelPath, multiagent, settings, () => {}),
      runFinetuneJobs(run, modelPath, single, settings, () => {}),
    ]);
    expect(first.failed).toEqual([]);
    expect(second.failed).toEqual([]);
    const onDisk = readRunRegistry(run).entries.map((entry) => `${jobLabel(entry)}: ${entry.status}`);
    expect(onDisk).toEqual([
      'multiagent-ft iteration 1 agent 0 generator: succeeded',
      'multiagent-ft iteration 1 agent 1 generator: skipped',
      'single-agent-ft iteration 1 model: succeeded',
      'single-agent-ft iteration 2 model: skipped',
    ]);
    // Each call's own outcome names exactly its jobs.
    expect(first.entries.map(jobLabel)).toEqual(multiagent.map(jobLabel));
    expect(second.entries.map(jobLabel)).toEqual(single.map(jobLabel));
    run.close();
  });

  it('saveRegistryEntry writes onto what is on disk now, not onto a copy read earlier', () => {
    const run = newRun();
    const entry = (method: RegistryEntry['method'], status: RegistryEntry['status']): RegistryEntry => ({
      method,
      iteration: 1,
      agent: null,
      role: 'single',
      status,
      base: modelPath,
      rows: 0,
      dataHash: 'x',
      trainer: {},
      versions: { maft: 'test', nodeLlamaCpp: 'test' },
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const early = readRunRegistry(run); // what a stage read when it started: empty
    saveRegistryEntry(run, entry('single-agent-ft', 'running')); // another stage writes meanwhile
    const after = saveRegistryEntry(run, entry('majority-ft', 'succeeded'));
    expect(early.entries).toEqual([]);
    expect(after.entries.map((value) => `${value.method}: ${value.status}`)).toEqual([
      'majority-ft: succeeded',
      'single-agent-ft: running',
    ]);
    expect(readRunRegistry(run)).toEqual(after);
    run.close();
  });
});
