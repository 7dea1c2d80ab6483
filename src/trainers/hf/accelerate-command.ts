/**
 * The command line of one `hf` job: `<python> -m accelerate.commands.launch --config_file <cfg> … script …`
 * (the module form of `accelerate launch`, so the Python that passed the preflight is the one that runs).
 * The user's accelerate config decides DDP, FSDP or DeepSpeed; maft adds what differs per job: the GPUs
 * (CUDA_VISIBLE_DEVICES and --num_processes = their count) and a rendezvous port of its own, so several jobs
 * can run at once on disjoint GPUs. Pure: reading the config file is the caller's.
 */
import { parse } from 'yaml';
import { MaftError } from '../../errors/maft-error.js';
import { hfTrainFlags, type HfTrainOptions } from './hf-train-options.js';

export type DistributedType = 'NO' | 'MULTI_GPU' | 'FSDP' | 'DEEPSPEED';

export interface AccelerateConfigSummary {
  readonly file: string;
  readonly distributedType: DistributedType;
  readonly numProcesses: number;
  /** Python packages this config needs beyond the script's own (deepspeed for DEEPSPEED). */
  readonly extraPackages: readonly string[];
  /** deepspeed_config.gradient_accumulation_steps, when set. */
  readonly deepspeedGradientAccumulation?: number;
}

const distributedTypes: readonly DistributedType[] = ['NO', 'MULTI_GPU', 'FSDP', 'DEEPSPEED'];

export function parseAccelerateConfig(text: string, file: string): AccelerateConfigSummary {
  let config: Record<string, unknown>;
  try {
    config = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new MaftError(
      'CONFIG_INVALID',
      `not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      { file },
    );
  }
  // YAML 1.1 readers turn a bare NO into false; accelerate writes 'NO' quoted, be lenient either way.
  const type = config['distributed_type'] === false ? 'NO' : config['distributed_type'];
  if (!distributedTypes.includes(type as DistributedType)) {
    throw new MaftError('CONFIG_INVALID', `expected one of ${distributedTypes.join(', ')}, got ${String(type)}`, {
      file,
      field: 'distributed_type',
    });
  }
  const numProcesses = config['num_processes'] ?? 1;
  if (!Number.isInteger(numProcesses) || (numProcesses as number) < 1) {
    throw new MaftError('CONFIG_INVALID', `expected a positive integer, got ${String(numProcesses)}`, {
      file,
      field: 'num_processes',
    });
  }
  if (Number(config['num_machines'] ?? 1) !== 1) {
    throw new MaftError(
      'CONFIG_INVALID',
      "maft launches jobs on one machine; multi-node runs go through your cluster's launcher (a command trainer)",
      { file, field: 'num_machines' },
    );
  }
  const deepspeed = (config['deepspeed_config'] ?? {}) as Record<string, unknown>;
  const accumulation = deepspeed['gradient_accumulation_steps'];
  return {
    file,
    distributedType: type as DistributedType,
    numProcesses: numProcesses as number,
    extraPackages: type === 'DEEPSPEED' ? ['deepspeed'] : [],
    ...(typeof accumulation === 'number' ? { deepspeedGradientAccumulation: accumulation } : {}),
  };
}

export interface HfJobPaths {
  /** maft's TRL prompt–completion JSONL. */
  readonly data: string;
  /** HF model directory: the base, or the previous iteration's full model. */
  readonly model: string;
  readonly output: string;
  /** The previous iteration's PEFT adapter to continue (LoRA). */
  readonly initAdapter?: string;
}

export interface HfLaunch {
  readonly python: string;
  readonly script: string;
  readonly accelerate: AccelerateConfigSummary;
  /** GPU indices this job gets; omitted: all visible GPUs, num_processes from the config. */
  readonly gpus?: readonly number[];
  /** torch.distributed rendezvous port; distinct per concurrent job. Default 29500. */
  readonly port?: number;
}

export interface HfCommand {
  readonly executable: string;
  readonly args: readonly string[];
  /** Added to the environment of the child. */
  readonly env: Readonly<Record<string, string>>;
}

export function buildHfTrainCommand(
  paths: HfJobPaths,
  options: HfTrainOptions & { learningRate: number },
  launch: HfLaunch,
): HfCommand {
  const { accelerate, gpus } = launch;
  if (
    gpus !== undefined &&
    (gpus.length === 0 || new Set(gpus).size !== gpus.length || !gpus.every((gpu) => Number.isInteger(gpu) && gpu >= 0))
  ) {
    throw new MaftError('CONFIG_INVALID', `expected distinct GPU indices, got [${gpus.join(', ')}]`, { field: 'gpus' });
  }
  const processes = gpus?.length ?? accelerate.numProcesses;
  if (accelerate.distributedType === 'NO' && processes > 1) {
    throw new MaftError(
      'CONFIG_INVALID',
      `distributed_type NO runs one process, but the job has ${processes} GPUs: use a MULTI_GPU, FSDP or DEEPSPEED config`,
      { file: accelerate.file, field: 'distributed_type' },
    );
  }
  if (
    accelerate.deepspeedGradientAccumulation !== undefined &&
    accelerate.deepspeedGradientAccumulation !== options.gradientAccumulation
  ) {
    throw new MaftError(
      'CONFIG_INVALID',
      `${accelerate.deepspeedGradientAccumulation} differs from the job's gradientAccumulation ${options.gradientAccumulation}`,
      { file: accelerate.file, field: 'deepspeed_config.gradient_accumulation_steps' },
    );
  }
  if (paths.initAdapter !== undefined && options.method === 'full') {
    throw new MaftError(
      'CONFIG_INVALID',
      'a full-parameter job continues from a model (give it as the model), not from an adapter',
      { field: 'initAdapter' },
    );
  }
  const args = [
    '-m',
    'accelerate.commands.launch',
    '--config_file',
    accelerate.file,
    '--num_processes',
    String(processes),
    '--main_process_port',
    String(launch.port ?? 29500),
    launch.script,
    '--data',
    paths.data,
    '--model',
    paths.model,
    '--output',
    paths.output,
    ...(paths.initAdapter === undefined ? [] : ['--init-adapter', paths.initAdapter]),
    ...hfTrainFlags(options),
  ];
  return { executable: launch.python, args, env: gpus === undefined ? {} : { CUDA_VISIBLE_DEVICES: gpus.join(',') } };
}

/** The command as a shell line (for logs, the job record and --print-command). */
export function renderHfCommand(command: HfCommand): string {
  const quote = (word: string): string =>
    /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
  const env = Object.entries(command.env).map(([key, value]) => `${key}=${quote(value)}`);
  return [...env, command.executable, ...command.args]
    .map((word, index) => (index < env.length ? word : quote(word)))
    .join(' ');
}
