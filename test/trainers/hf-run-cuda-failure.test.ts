/**
 * A CUDA error in the middle of one `hf` job of a `maft run`: that job is recorded failed with the script's
 * reason, the other jobs finish, the run stops in one line with every finished stage kept, and running the same
 * command again retrains only the failed job and finishes the run.
 *
 * GPUs cannot fail on demand (and this machine has none), so the Python named in the config is a shell stand-in:
 * for the package and data checks it runs the real python/maft_hf_train.py (with importable stand-ins for torch
 * & co.), and for the `-m accelerate.commands.launch` call it speaks the script's output contract (`start`,
 * `loss`, then `error` of kind cuda and exit 4 — once, for agent-1-critic — or a PEFT adapter at --output: a
 * real one, made here for the shipped base model, which maft then converts to the GGUF adapter the embedded
 * engine applies). What this does not show: transformers/PEFT/accelerate training on a GPU.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGgufToPeft } from '../../src/adapters/convert-adapter.js';
import { parseRegistry } from '../../src/finetune/model-registry.js';
import { describeLoraAdapter } from '../../src/gguf/lora-adapter.js';
import { randomFloats } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { runInProcess } from '../helpers/run-in-process.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = path.join(repo, 'models/arithmetic-base.gguf');
let directory: string;
let python: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-hf-cuda-'));
  const site = path.join(directory, 'site');
  for (const name of ['torch', 'transformers', 'peft', 'accelerate']) {
    await mkdir(path.join(site, name), { recursive: true });
    await writeFile(path.join(site, name, '__init__.py'), '');
  }
  // A small LoRA for the shipped base (n_embd 192, n_ff 512) in PEFT layout: what a GPU job would bring back.
  const gguf = path.join(directory, 'template.gguf');
  const rank = 4;
  const weights = [0, 1, 2, 3].flatMap((block) =>
    (['attn_output', 'ffn_down'] as const).map((name) => {
      const inputSize = name === 'ffn_down' ? 512 : 192;
      return {
        target: `blk.${block}.${name}.weight`,
        inputSize,
        outputSize: 192,
        rank,
        a: randomFloats(block * 10 + inputSize, inputSize * rank, 0.01),
        b: randomFloats(block * 10 + 1, rank * 192, 0.01),
      };
    }),
  );
  await writeGgufFile(gguf, describeLoraAdapter({ architecture: 'llama', alpha: rank, weights }));
  const template = path.join(directory, 'template.peft');
  await exportGgufToPeft({ adapterPath: gguf, basePath: base, outDirectory: template });
  await writeFile(path.join(directory, 'fail-once'), '');
  python = path.join(directory, 'python');
  await writeFile(
    python,
    [
      '#!/bin/sh',
      'if [ "$1" = "-m" ]; then',
      '  out=""; prev=""',
      '  for word in "$@"; do [ "$prev" = "--output" ] && out="$word"; prev="$word"; done',
      `  echo "$out" >> ${directory}/launches.log`,
      '  echo \'{"event": "start", "rows": 1}\'',
      '  echo \'{"event": "loss", "step": 1, "epoch": 1.0, "loss": 1.25}\'',
      `  case "$out" in *agent-1-critic.peft) if [ -e ${directory}/fail-once ]; then rm ${directory}/fail-once;`,
      '    echo \'{"event": "error", "kind": "cuda", "message": "CUDA error: an illegal memory access was encountered"}\'; exit 4; fi;; esac',
      '  echo \'{"event": "loss", "step": 2, "epoch": 2.0, "loss": 0.75}\'',
      `  cp -r ${template} "$out"`,
      '  echo \'{"event": "done"}\'',
      '  exit 0',
      'fi',
      `PYTHONPATH=${site} exec /usr/bin/python3 "$@"`,
    ].join('\n'),
  );
  await chmod(python, 0o755);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('maft run with an hf job that hits a CUDA error', () => {
  it('records that job failed, keeps the others and every finished stage, and a rerun retrains only it', async () => {
    const config = path.join(directory, 'hf.json');
    await writeFile(
      config,
      JSON.stringify({
        task: { name: 'arithmetic', options: { max: 9 } },
        // Four problems give every model rows (agent 1's critic, the job that fails, one corrected reply).
        split: { finetuneCount: 4, evalCount: 2 },
        society: { agents: 2, rounds: 2 },
        sampling: { maxTokens: 160 },
        methods: ['multiagent-ft'],
        iterations: 1,
        backend: { kind: 'llama-cpp', model: base, threads: 1 },
        trainer: {
          kind: 'hf',
          model: path.join(directory, 'hf-model'),
          accelerateConfig: path.join(repo, 'examples/accelerate/single-gpu.yaml'),
          python,
        },
      }),
    );
    const run = path.join(directory, 'run');
    const registryFile = path.join(run, 'artifacts/models/registry.json');
    const launches = async () => (await readFile(path.join(directory, 'launches.log'), 'utf8')).trim().split('\n');

    const failed = await runInProcess(['run', config, '--run', run]);
    expect(failed.status, failed.stderr).not.toBe(0);
    const errors = failed.stderr.split('\n').filter((line) => line.startsWith('maft: error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^maft: error \[TRAINING_FAILED\]: .*1 of \d training jobs failed \(first: .*CUDA error: an illegal memory access was encountered.*\); run the same command again to retry them/,
    );
    const first = parseRegistry(await readFile(registryFile, 'utf8')).entries;
    const state = (entries: typeof first) =>
      Object.fromEntries(entries.map((entry) => [`${entry.agent}-${entry.role}`, entry.status]));
    // agent-1-critic failed; every other model with rows trained (one with no rows is skipped, as always).
    expect(state(first)['1-critic']).toBe('failed');
    const others = first.filter((entry) => !(entry.agent === 1 && entry.role === 'critic'));
    for (const entry of others) expect(entry.status).toBe(entry.rows > 0 ? 'succeeded' : 'skipped');
    const trained = others.filter((entry) => entry.status === 'succeeded');
    expect(trained.length).toBeGreaterThan(0);
    expect(first.find((entry) => entry.status === 'failed')?.reason).toMatch(/CUDA error/);
    const log = await readFile(
      path.join(run, 'artifacts/jobs/multiagent-ft/iteration-1/agent-1-critic.hf.log'),
      'utf8',
    );
    expect(log).toMatch(/"loss": 1\.25/); // the loss before the failure stays in the job log
    expect(await launches()).toHaveLength(trained.length + 1);
    const debatedAt = (await stat(path.join(run, 'records', 'base/finetune.jsonl'))).mtimeMs;

    const rerun = await runInProcess(['run', config, '--run', run]);
    expect(rerun.status, rerun.stderr).toBe(0);
    const retrained = (await launches()).slice(trained.length + 1);
    expect(retrained).toEqual([path.join(run, 'artifacts/models/multiagent-ft/iteration-1/agent-1-critic.peft')]);
    expect((await stat(path.join(run, 'records', 'base/finetune.jsonl'))).mtimeMs).toBe(debatedAt);
    const second = parseRegistry(await readFile(registryFile, 'utf8')).entries;
    expect(state(second)).toEqual({ ...state(first), '1-critic': 'succeeded' });
    for (const entry of second.filter((item) => item.status === 'succeeded')) expect(entry.adapter).toMatch(/\.gguf$/); // converted for the embedded engine
    const results = JSON.parse(await readFile(path.join(run, 'artifacts/results.json'), 'utf8')) as {
      progress: { finished: boolean };
      training: { agent: number; role: string; losses: number[]; finalLoss: number }[];
    };
    expect(results.progress.finished).toBe(true);
    // The loss lines the script printed are the job's curve, in the registry and the report.
    const succeeded = second.filter((entry) => entry.status === 'succeeded');
    for (const entry of succeeded)
      expect(entry.result).toMatchObject({ steps: 2, finalLoss: 0.75, losses: [1.25, 0.75] });
    expect(results.training).toHaveLength(succeeded.length);
    expect(results.training.map((curve) => curve.losses)).toEqual(succeeded.map(() => [1.25, 0.75]));
  });
});
