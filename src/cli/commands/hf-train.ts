import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import { renderHfCommand } from '../../trainers/hf/accelerate-command.js';
import { resolveHfTrainOptions } from '../../trainers/hf/hf-train-options.js';
import { launchHfJob, prepareHfCommand, type HfJobRequest } from '../../trainers/hf/launch-hf-job.js';

interface HfTrainFlags {
  data: string;
  model: string;
  out: string;
  accelerateConfig: string;
  gpus?: string;
  python: string;
  method: string;
  rank?: string;
  alpha?: string;
  dropout?: string;
  targets?: string;
  learningRate?: string;
  epochs?: string;
  batchSize?: string;
  gradientAccumulation?: string;
  maxLength?: string;
  seed?: string;
  initAdapter?: string;
  log?: string;
  printCommand?: boolean;
}

const number = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));

/**
 * `maft hf-train`: one job of the `hf` trainer (python/maft_hf_train.py under `accelerate launch`) on a GPU
 * machine, outside `maft run` (the pipeline's trainer jobs will call the same launchHfJob). Loss lines stream
 * to stdout as they come; the whole output goes to the log.
 */
export function registerHfTrainCommand(program: Command): void {
  program
    .command('hf-train')
    .description(
      "finetune a Hugging Face model on maft's TRL prompt-completion rows with accelerate (GPU): LoRA or full",
    )
    .requiredOption('--data <rows.jsonl>', 'TRL prompt-completion JSONL (maft build-data --format trl)')
    .requiredOption('--model <dir>', "HF model directory: the base, or the previous iteration's full model")
    .requiredOption('--out <dir>', 'PEFT adapter (lora) or model (full) directory to write')
    .requiredOption(
      '--accelerate-config <file>',
      'accelerate config: examples/accelerate/{single-gpu,multi-gpu-ddp,fsdp,deepspeed-zero3}.yaml',
    )
    .option('--gpus <list>', 'GPU indices for this job, e.g. 0,1 (sets CUDA_VISIBLE_DEVICES and --num_processes)')
    .option(
      '--python <path>',
      'the Python with torch, transformers, peft, accelerate',
      process.env['MAFT_PYTHON'] ?? 'python3',
    )
    .option('--method <method>', 'lora | full', 'lora')
    .option('--rank <n>', 'LoRA rank (default 16)')
    .option('--alpha <x>', 'LoRA alpha (default 32)')
    .option('--dropout <x>', 'LoRA dropout (default 0.05)')
    .option('--targets <list>', 'LoRA target modules, comma-separated, or all-linear (default)')
    .option('--learning-rate <x>', 'peak learning rate (default 2e-4 lora, 1e-5 full)')
    .option('--epochs <n>', 'epochs (default 2)')
    .option('--batch-size <n>', 'rows per device per step (default 1)')
    .option('--gradient-accumulation <n>', 'steps per optimizer step (default 1)')
    .option('--max-length <n>', 'longest row in tokens (default 2048)')
    .option('--seed <n>', 'seed (default 1)')
    .option('--init-adapter <dir>', "continue training this PEFT adapter (the previous iteration's)")
    .option('--log <file>', 'job log (default <out>.log)')
    .option('--print-command', 'print the command line and exit (no checks, nothing runs)')
    .action(async (flags: HfTrainFlags) => {
      const options = resolveHfTrainOptions(
        {
          method: flags.method,
          rank: number(flags.rank),
          alpha: number(flags.alpha),
          dropout: number(flags.dropout),
          targets: flags.targets === undefined || flags.targets === 'all-linear' ? undefined : flags.targets.split(','),
          learningRate: number(flags.learningRate),
          epochs: number(flags.epochs),
          batchSize: number(flags.batchSize),
          gradientAccumulation: number(flags.gradientAccumulation),
          maxLength: number(flags.maxLength),
          seed: number(flags.seed),
        },
        '--',
      );
      let gpus: number[] | undefined;
      if (flags.gpus !== undefined) {
        gpus = flags.gpus.split(',').map(Number);
        if (gpus.some((gpu) => !Number.isInteger(gpu) || gpu < 0))
          throw new MaftError('CONFIG_INVALID', `expected GPU indices like 0,1, got "${flags.gpus}"`, {
            field: '--gpus',
          });
      }
      const request: HfJobRequest = {
        paths: {
          data: flags.data,
          model: flags.model,
          output: flags.out,
          ...(flags.initAdapter === undefined ? {} : { initAdapter: flags.initAdapter }),
        },
        options,
        accelerateConfig: flags.accelerateConfig,
        python: flags.python,
        ...(gpus === undefined ? {} : { gpus }),
        logPath: flags.log ?? `${flags.out}.log`,
        onEvent: (event) => {
          if (event.event === 'loss')
            process.stdout.write(
              `${JSON.stringify({ step: event.step, epoch: event.epoch, loss: event.loss, learningRate: event.learning_rate })}\n`,
            );
        },
      };
      if (flags.printCommand === true) {
        process.stdout.write(`${renderHfCommand((await prepareHfCommand(request)).command)}\n`);
        return;
      }
      const result = await launchHfJob(request);
      process.stdout.write(`wrote ${result.output} (${result.losses.length} logged steps; log ${request.logPath})\n`);
    });
}
