/**
 * examples/gpu/*.yaml as maft reads them (no GPU here): each is a valid run config whose backend (vLLM) can
 * serve what its trainer (`hf`) makes, whose accelerate config exists, and whose jobs launch with the command
 * line written here word for word (the same function `maft run` uses for every hf job).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigProblems } from '../../src/config/resolve-run-config.js';
import { runConfigSchema } from '../../src/config/run-config.js';
import { readConfigFileResolved } from '../../src/config/validate-config.js';
import { prepareHfCommand } from '../../src/trainers/hf/launch-hf-job.js';
import { renderHfCommand } from '../../src/trainers/hf/accelerate-command.js';
import { resolveHfTrainOptions } from '../../src/trainers/hf/hf-train-options.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const example = (name: string) => runConfigSchema.parse(readConfigFileResolved(path.join(repo, 'examples/gpu', name)));

const launchLine = async (name: string): Promise<string> => {
  const config = example(name);
  if (config.trainer.kind !== 'hf') throw new Error(`${name}: not an hf trainer`);
  const { command } = await prepareHfCommand({
    paths: { data: 'DATA', model: config.trainer.model, output: 'OUT' },
    options: resolveHfTrainOptions(config.trainer.hyperparameters),
    accelerateConfig: config.trainer.accelerateConfig,
    python: config.trainer.python,
    ...(config.trainer.gpus ? { gpus: config.trainer.gpus } : {}),
    logPath: '/dev/null',
  });
  return renderHfCommand(command).replaceAll(repo, '<repo>');
};

describe('examples/gpu', () => {
  it.each(['hf-vllm.yaml', 'hf-vllm-fsdp-4gpu.yaml'])('%s: hf trainer, vLLM backend, nothing to object to', (name) => {
    const config = example(name);
    expect(config.backend).toMatchObject({ kind: 'openai', vllm: { maxLoraRank: 16 } });
    expect(config.trainer.kind).toBe('hf');
    expect(runConfigProblems(config, {})).toEqual([]);
  });

  it('launches a one-GPU LoRA job', async () => {
    expect(await launchLine('hf-vllm.yaml')).toBe(
      'CUDA_VISIBLE_DEVICES=0 /opt/venv/bin/python -m accelerate.commands.launch --config_file <repo>/examples/accelerate/single-gpu.yaml ' +
        '--num_processes 1 --main_process_port 29500 <repo>/python/maft_hf_train.py --data DATA --model /models/Qwen2.5-7B-Instruct ' +
        '--output OUT --method lora --learning-rate 0.0002 --epochs 2 --batch-size 1 --gradient-accumulation 1 ' +
        '--warmup-ratio 0.03 --scheduler cosine --max-length 2048 --seed 1 --precision bf16 --lora-rank 16 --lora-alpha 32 ' +
        '--lora-dropout 0.05 --lora-targets all-linear',
    );
  });

  it('launches a LoRA job sharded with FSDP over four GPUs', async () => {
    expect(await launchLine('hf-vllm-fsdp-4gpu.yaml')).toBe(
      'CUDA_VISIBLE_DEVICES=0,1,2,3 /opt/venv/bin/python -m accelerate.commands.launch --config_file <repo>/examples/accelerate/fsdp.yaml ' +
        '--num_processes 4 --main_process_port 29500 <repo>/python/maft_hf_train.py --data DATA --model /models/Llama-3.1-8B-Instruct ' +
        '--output OUT --method lora --learning-rate 0.0002 --epochs 2 --batch-size 1 --gradient-accumulation 1 ' +
        '--warmup-ratio 0.03 --scheduler cosine --max-length 2048 --seed 1 --precision bf16 --lora-rank 16 --lora-alpha 32 ' +
        '--lora-dropout 0.05 --lora-targets all-linear',
    );
  });
});
