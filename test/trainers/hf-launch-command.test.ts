/**
 * The `hf` trainer's command lines for the shipped accelerate configs (DDP, FSDP, DeepSpeed ZeRO-3), checked
 * word for word, and checked against the real script's argument parser (Debian's python3, no torch needed).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildHfTrainCommand,
  parseAccelerateConfig,
  renderHfCommand,
} from '../../src/trainers/hf/accelerate-command.js';
import { resolveHfTrainOptions } from '../../src/trainers/hf/hf-train-options.js';
import { hfTrainScript } from '../../src/trainers/hf/preflight.js';
import { runCli } from '../helpers/run-cli.js';

const config = (name: string): ReturnType<typeof parseAccelerateConfig> => {
  const file = path.join('examples/accelerate', `${name}.yaml`);
  return parseAccelerateConfig(readFileSync(file, 'utf8'), file);
};
const paths = { data: 'run/agent-0.jsonl', model: 'models/llama-3-8b', output: 'run/agent-0-generator' };
const launch = (name: string, gpus?: number[], port?: number) => ({
  python: 'python3',
  script: 'maft_hf_train.py',
  accelerate: config(name),
  ...(gpus ? { gpus } : {}),
  ...(port ? { port } : {}),
});

describe('hf trainer command lines', () => {
  it('reads the shipped configs', () => {
    expect(config('single-gpu')).toMatchObject({ distributedType: 'NO', numProcesses: 1, extraPackages: [] });
    expect(config('multi-gpu-ddp')).toMatchObject({ distributedType: 'MULTI_GPU', numProcesses: 4 });
    expect(config('fsdp')).toMatchObject({ distributedType: 'FSDP', numProcesses: 4 });
    expect(config('deepspeed-zero3')).toMatchObject({
      distributedType: 'DEEPSPEED',
      extraPackages: ['deepspeed'],
      deepspeedGradientAccumulation: 1,
    });
  });

  it('DDP LoRA on GPUs 2,3: two processes, its own port, the LoRA flags', () => {
    const command = buildHfTrainCommand(
      paths,
      resolveHfTrainOptions({ rank: 8, alpha: 16, targets: ['q_proj', 'v_proj'] }),
      launch('multi-gpu-ddp', [2, 3], 29501),
    );
    expect(command.env).toEqual({ CUDA_VISIBLE_DEVICES: '2,3' });
    expect(renderHfCommand(command)).toBe(
      'CUDA_VISIBLE_DEVICES=2,3 python3 -m accelerate.commands.launch --config_file examples/accelerate/multi-gpu-ddp.yaml ' +
        '--num_processes 2 --main_process_port 29501 maft_hf_train.py --data run/agent-0.jsonl --model models/llama-3-8b ' +
        '--output run/agent-0-generator --method lora --learning-rate 0.0002 --epochs 2 --batch-size 1 --gradient-accumulation 1 ' +
        '--warmup-ratio 0.03 --scheduler cosine --max-length 2048 --seed 1 --precision bf16 --lora-rank 8 --lora-alpha 16 ' +
        '--lora-dropout 0.05 --lora-targets q_proj,v_proj',
    );
  });

  it("FSDP full-parameter on 4 GPUs: the released code's recipe (lr 1e-5, cosine, 3% warmup, 2 epochs)", () => {
    const command = buildHfTrainCommand(paths, resolveHfTrainOptions({ method: 'full' }), launch('fsdp', [0, 1, 2, 3]));
    expect(command.args).toEqual(
      [
        '-m',
        'accelerate.commands.launch',
        '--config_file',
        'examples/accelerate/fsdp.yaml',
        '--num_processes',
        '4',
        '--main_process_port',
        '29500',
        'maft_hf_train.py',
        '--data',
        'run/agent-0.jsonl',
        '--model',
        'models/llama-3-8b',
        '--output',
        'run/agent-0-generator',
        '--method',
        'full',
        '--learning-rate',
        '0.00001',
        '--epochs',
        '2',
        '--batch-size',
        '1',
        '--gradient-accumulation',
        '1',
        '--warmup-ratio',
        '0.03',
        '--scheduler',
        'cosine',
        '--max-length',
        '2048',
        '--seed',
        '1',
        '--precision',
        'bf16',
      ].map((word) => (word === '0.00001' ? String(1e-5) : word)),
    );
    expect(command.env).toEqual({ CUDA_VISIBLE_DEVICES: '0,1,2,3' });
  });

  it("ZeRO-3 without --gpus keeps the config's process count and continues an adapter", () => {
    const command = buildHfTrainCommand(
      { ...paths, initAdapter: 'run/iter-1/agent-0' },
      resolveHfTrainOptions({}),
      launch('deepspeed-zero3'),
    );
    expect(command.env).toEqual({});
    expect(command.args.slice(0, 8)).toEqual([
      '-m',
      'accelerate.commands.launch',
      '--config_file',
      'examples/accelerate/deepspeed-zero3.yaml',
      '--num_processes',
      '4',
      '--main_process_port',
      '29500',
    ]);
    expect(command.args).toContain('--init-adapter');
  });

  it('refuses what cannot run, one line each', () => {
    expect(() => buildHfTrainCommand(paths, resolveHfTrainOptions({}), launch('single-gpu', [0, 1]))).toThrow(
      /distributed_type NO runs one process, but the job has 2 GPUs/,
    );
    expect(() =>
      buildHfTrainCommand(paths, resolveHfTrainOptions({ gradientAccumulation: 4 }), launch('deepspeed-zero3')),
    ).toThrow(/1 differs from the job's gradientAccumulation 4/);
    expect(() =>
      buildHfTrainCommand({ ...paths, initAdapter: 'a' }, resolveHfTrainOptions({ method: 'full' }), launch('fsdp')),
    ).toThrow(/continues from a model/);
    expect(() => buildHfTrainCommand(paths, resolveHfTrainOptions({}), launch('fsdp', [1, 1]))).toThrow(
      /distinct GPU indices/,
    );
    expect(() => resolveHfTrainOptions({ rank: 0 })).toThrow();
    expect(() => parseAccelerateConfig('distributed_type: TPU\n', 'x.yaml')).toThrow(/x.yaml|TPU/);
  });

  it("every flag the launcher writes is one the script's argparse accepts", () => {
    for (const options of [resolveHfTrainOptions({ targets: ['q_proj'] }), resolveHfTrainOptions({ method: 'full' })]) {
      const command = buildHfTrainCommand(
        { ...paths, data: 'test/trainers/missing.jsonl' },
        options,
        launch('multi-gpu-ddp', [0]),
      );
      const scriptArgs = command.args.slice(command.args.indexOf('maft_hf_train.py') + 1);
      const result = spawnSync('/usr/bin/python3', [hfTrainScript, ...scriptArgs, '--validate-only'], {
        encoding: 'utf8',
      });
      // argparse accepted everything (it exits 2 with "usage:" otherwise); the data file is what is missing.
      expect(result.stderr).not.toMatch(/usage:|unrecognized/);
      expect(JSON.parse(result.stdout)).toEqual({
        event: 'error',
        kind: 'data',
        message: 'test/trainers/missing.jsonl: no such file',
      });
    }
  });

  it('maft hf-train --print-command shows the FSDP line without running anything', () => {
    const result = runCli([
      'hf-train',
      '--data',
      'rows.jsonl',
      '--model',
      'base',
      '--out',
      'out',
      '--accelerate-config',
      'examples/accelerate/fsdp.yaml',
      '--gpus',
      '0,1,2,3',
      '--method',
      'full',
      '--python',
      '/nonexistent/python',
      '--print-command',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^CUDA_VISIBLE_DEVICES=0,1,2,3 \/nonexistent\/python -m accelerate.commands.launch --config_file examples\/accelerate\/fsdp.yaml --num_processes 4 .*python\/maft_hf_train.py --data rows.jsonl .*--method full --learning-rate 0.00001/,
    );
  });
});
