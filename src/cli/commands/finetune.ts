import type { Command } from 'commander';
import { debateConfigSchema } from '../../config/debate-config.js';
import { trainerConfigSchema } from '../../config/run-config.js';
import { validateConfig } from '../../config/validate-config.js';
import { MaftError } from '../../errors/maft-error.js';
import { openRun } from '../../run-store/open-run.js';
import { readRun } from '../../run-store/read-run.js';
import { finetuneSociety, type FinetuneSettings } from '../../finetune/finetune-society.js';

interface FinetuneFlags {
  iteration: string;
  rank: string;
  alpha?: string;
  epochs: string;
  lr: string;
  window: string;
  threads: string;
  seed?: string;
  fromBase?: boolean;
}

function number(text: string, flag: string, valid: (value: number) => boolean, rule: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !valid(value)) throw new MaftError('CONFIG_INVALID', `expected ${rule}, got "${text}"`, { field: `--${flag}` });
  return value;
}
const positiveInteger = (text: string, flag: string) => number(text, flag, (value) => Number.isInteger(value) && value >= 1, 'a positive integer');

/**
 * `maft finetune <run-dir>`: train the 2N LoRA adapters of an iteration on the embedded trainer from the data
 * `maft build-data` wrote, and record them in the run's model registry. Re-running skips finished jobs.
 */
export function registerFinetuneCommand(program: Command): void {
  // The same defaults as maft run's trainer section, so both commands train the same models.
  const trainer = trainerConfigSchema.parse({});
  program
    .command('finetune')
    .description('train every agent\'s generator and critic adapter of an iteration (embedded ggml trainer)')
    .argument('<run-dir>', 'a run with debate records and data from maft build-data')
    .option('--iteration <k>', 'the iteration whose data to train on', '1')
    .option('--rank <r>', 'LoRA rank', String(trainer.rank))
    .option('--alpha <a>', 'LoRA alpha (default 2 × rank)')
    .option('--epochs <n>', 'passes over each dataset', String(trainer.epochs))
    .option('--lr <rate>', 'peak learning rate (cosine decay)', String(trainer.learningRate))
    .option('--window <tokens>', 'tokens per training window', String(trainer.windowLength))
    .option('--threads <n>', 'CPU threads (never more than free cores)', '2')
    .option('--seed <n>', 'seed of the LoRA init and the example order (default: the run\'s seed)')
    .option('--from-base', 'train fresh adapters on the base model (default: continue from iteration k − 1\'s adapters)')
    .action(async (runDirectory: string, flags: FinetuneFlags) => {
      const stored = readRun(runDirectory).config;
      const config = validateConfig(debateConfigSchema, stored, `config of ${runDirectory}`);
      if (config.backend.kind !== 'llama-cpp') {
        throw new MaftError('CONFIG_INVALID', 'the embedded trainer finetunes GGUF models: this run uses the openai backend (export the data with maft build-data and train on your GPU or provider instead)', { field: 'backend.kind' });
      }
      const rank = positiveInteger(flags.rank, 'rank');
      const settings: FinetuneSettings = {
        iteration: positiveInteger(flags.iteration, 'iteration'),
        rank,
        alpha: flags.alpha === undefined ? 2 * rank : number(flags.alpha, 'alpha', (value) => value > 0, 'a positive number'),
        epochs: positiveInteger(flags.epochs, 'epochs'),
        learningRate: number(flags.lr, 'lr', (value) => value > 0 && value < 1, 'a number in (0, 1)'),
        windowLength: positiveInteger(flags.window, 'window'),
        windowsPerStep: trainer.windowsPerStep,
        warmupShare: trainer.warmupShare,
        continuePrevious: flags.fromBase !== true,
        threads: positiveInteger(flags.threads, 'threads'),
        seed: flags.seed === undefined ? config.seed : number(flags.seed, 'seed', Number.isInteger, 'an integer'),
      };
      const run = openRun(runDirectory, stored, { command: process.argv.slice(2) });
      try {
        const stage = `iteration-${settings.iteration}/finetune`;
        run.markStage(stage, 'running');
        let lastLine = 0;
        const outcome = await finetuneSociety(run, config.backend.model, config.society.agents, settings, (label, progress) => {
          if (progress.elapsedMs - lastLine < 10_000 && progress.step !== progress.totalSteps) return;
          lastLine = progress.step === progress.totalSteps ? 0 : progress.elapsedMs;
          process.stderr.write(`${label}: step ${progress.step}/${progress.totalSteps} loss ${progress.loss.toFixed(3)} ${progress.tokensPerSecond.toFixed(0)} tok/s\n`);
        });
        for (const entry of outcome.entries) {
          const detail = entry.status === 'succeeded' ? `${entry.rows} rows, final loss ${entry.result?.finalLoss.toFixed(3)} → ${entry.adapter}` : (entry.reason ?? '');
          process.stdout.write(`agent ${entry.agent ?? '-'} ${entry.role.padEnd(9)} ${entry.status.padEnd(9)} ${detail}\n`);
        }
        if (outcome.failed.length > 0) {
          throw new MaftError('TRAINING_FAILED', `${outcome.failed.length} of ${outcome.entries.length} jobs failed (see artifacts/models/registry.json); run the same command again to retry them`);
        }
        run.markStage(stage, 'done', { jobs: outcome.entries.length });
      } finally {
        run.close();
      }
    });
}
