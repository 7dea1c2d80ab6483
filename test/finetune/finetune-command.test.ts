/**
 * The finetuning stage end to end on the real embedded trainer, through the stage commands on `maft run`'s
 * layout: a run's base/finetune records → `maft build-data` → `maft finetune` (2N LoRA adapters in child
 * processes, a registry) → `maft eval --iteration 1` (the finetuned society answers the held-out split).
 * `--parallel-jobs` sets this session's jobs at once without touching the run's stored config.
 * Plus crashes: a corrupt model and a trainer killed mid-job end in one clear error, the parent survives,
 * and a re-run finishes the work.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import type { ModelRegistry } from '../../src/finetune/model-registry.js';
import { runTrainingJob } from '../../src/finetune/run-training-job.js';
import { tokenizeRows } from '../../src/finetune/tokenize-rows.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';
import { handMadeRun } from '../helpers/hand-made-run.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';
import { caught } from '../tasks/expect-error.js';

const directory = temporaryDirectory('finetune');
let modelPath: string;
let run: string;

beforeAll(async () => {
  modelPath = path.join(directory, 'tiny.gguf');
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 3 }));
  run = await handMadeRun(
    path.join(directory, 'run'),
    {
      seed: 5,
      methods: ['multiagent-ft'],
      iterations: 1,
      split: { finetuneCount: 5, evalCount: 2 },
      sampling: { maxTokens: 8 },
      problemConcurrency: 1,
      finetune: { criticMix: 'all' },
      trainer: { epochs: 1, rank: 4, windowLength: 128 },
      backend: { kind: 'llama-cpp', model: modelPath, contextSize: 512, threads: 1 },
    },
    fiveDebates(),
  );
});

const registry = () =>
  JSON.parse(readFileSync(path.join(run, 'artifacts', 'models', 'registry.json'), 'utf8')) as ModelRegistry;

describe('maft finetune', () => {
  it("trains every agent's generator and critic that has data, records them, and skips them on a re-run", () => {
    expect(runCli(['build-data', run]).status).toBe(0);
    const config = readFileSync(path.join(run, 'config.json'), 'utf8');
    const refused = runCli(['finetune', run, '--parallel-jobs', '0']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim()).toBe(
      'maft: error [CONFIG_INVALID]: --parallel-jobs: expected a whole number from 1 to 256, got "0"',
    );
    // The flag sets this session's jobs at once (the stage says so), not the run's config: the run resumes.
    const first = runCli(['finetune', run, '--parallel-jobs', '3']);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/jobs at once, longest first, 1 thread each \(--parallel-jobs, trainer\.threads\)/);
    expect(readFileSync(path.join(run, 'config.json'), 'utf8')).toBe(config);
    const entries = registry().entries;
    expect(entries).toHaveLength(6);
    for (const entry of entries) {
      expect(entry).toMatchObject({ method: 'multiagent-ft', iteration: 1 });
      expect(['succeeded', 'skipped']).toContain(entry.status);
      if (entry.status === 'succeeded') {
        expect(existsSync(path.join(run, 'artifacts', entry.adapter as string))).toBe(true);
        expect(entry.rows).toBeGreaterThan(0);
        expect(entry.result?.steps).toBeGreaterThan(0);
      } else expect(entry.rows).toBe(0);
    }
    expect(entries.filter((entry) => entry.status === 'succeeded').length).toBeGreaterThanOrEqual(2);
    const again = runCli(['finetune', run]);
    expect(again.status).toBe(0);
    expect(registry().entries.map((entry) => entry.updatedAt)).toEqual(entries.map((entry) => entry.updatedAt));
  });

  it('lets the finetuned society answer the held-out split: each agent with its own adapters', () => {
    const result = runCli(['eval', run, '--method', 'multiagent-ft', '--iteration', '1', '--json']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ stage: 'multiagent-ft/iteration-1/eval', problems: 2 });
    const trained = registry().entries.filter((entry) => entry.status === 'succeeded' && entry.role === 'generator');
    const transcript = JSON.parse(
      readFileSync(path.join(run, 'records', 'multiagent-ft', 'iteration-1', 'eval.jsonl'), 'utf8').split(
        '\n',
      )[0] as string,
    ) as DebateTranscript;
    const agent = trained[0]?.agent ?? 0;
    expect(transcript.agents[agent]?.turns[0]?.response.modelId).toContain('agent-');
  });
});

describe('training jobs that crash', () => {
  it('turn a corrupt model into one clear error, and a killed trainer into TRAINING_CRASHED; the parent carries on', async () => {
    const corrupt = path.join(directory, 'corrupt.gguf');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(64, 0xff)]));
    const examples = await tokenizeRows(modelPath, [
      { prompt: [{ role: 'user', content: 'What is 2+2?' }], completion: { role: 'assistant', content: '\\boxed{4}' } },
    ]);
    const plan = (model: string, output: string, epochs = 1) => ({
      modelPath: model,
      outputPath: output,
      mode: 'lora' as const,
      examples: Array(epochs).fill(examples).flat(),
      windowLength: 64,
      epochs: 1,
      threads: 1,
    });
    const badPlan = plan(corrupt, path.join(directory, 'never.gguf'));
    writeFileSync(path.join(directory, 'bad.plan.json'), JSON.stringify(badPlan));
    const bad = await caught(() => runTrainingJob(path.join(directory, 'bad.plan.json'), badPlan));
    expect(bad.message.split('\n')).toHaveLength(1);
    expect(existsSync(badPlan.outputPath)).toBe(false);

    const longPlan = plan(modelPath, path.join(directory, 'killed.gguf'), 400);
    writeFileSync(path.join(directory, 'long.plan.json'), JSON.stringify(longPlan));
    let pid = 0;
    const killed = await caught(() =>
      runTrainingJob(path.join(directory, 'long.plan.json'), longPlan, {
        onStart: (started) => (pid = started),
        onProgress: (progress) => {
          if (progress.step === 3) process.kill(pid, 'SIGKILL');
        },
      }),
    );
    expect(killed.code).toBe('TRAINING_CRASHED');
    expect(killed.message).toMatch(/killed by SIGKILL after step [3-9]/);
    expect(existsSync(longPlan.outputPath)).toBe(false);
    // The parent is fine and the same job runs to the end when tried again.
    const done = await runTrainingJob(path.join(directory, 'long.plan.json'), { ...longPlan });
    expect(done.steps).toBeGreaterThan(3);
    expect(existsSync(longPlan.outputPath)).toBe(true);
  });
});
