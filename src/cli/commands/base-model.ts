import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { makeArithmeticBase, type BaseModelReport } from '../../tools/base-model/make-arithmetic-base.js';
import { renderModelCard, stageCommands, type EarlierStage } from '../../tools/base-model/model-card.js';
import { readEarlierStage } from '../../tools/base-model/earlier-stage-report.js';
import { criticStyles, type CriticStyle } from '../../tools/base-model/arithmetic-curriculum.js';
import { MaftError } from '../../errors/maft-error.js';

interface BaseModelFlags {
  out: string;
  examples: string;
  seed: string;
  threads: string;
  eval: string;
  report?: string;
  card?: string;
  init?: string;
  initReport?: string;
  firstExample: string;
  learningRate: string;
  max: string;
  window: string;
  windowsPerStep: string;
  critic: string;
  mix?: string;
  force?: boolean;
}

/** Refuse, before hours of training, to write over files that exist (the shipped model first of all). */
function refuseOverwrites(flags: BaseModelFlags): void {
  if (flags.force) return;
  for (const [file, flag] of [
    [flags.out, 'out'],
    [flags.report, 'report'],
    [flags.card, 'card'],
  ] as const) {
    if (file !== undefined && existsSync(file)) {
      throw new MaftError(
        'INPUT_INVALID',
        `already exists; choose another --${flag}, or pass --force to overwrite it`,
        { file, field: `--${flag}` },
      );
    }
  }
}

const positive = (text: string, flag: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new MaftError('CONFIG_INVALID', `expected a positive integer, got "${text}"`, { field: `--${flag}` });
  return value;
};

const criticStyle = (text: string): CriticStyle => {
  const style = criticStyles.find((candidate) => candidate === text);
  if (style === undefined)
    throw new MaftError('CONFIG_INVALID', `expected one of ${criticStyles.join(', ')}, got "${text}"`, {
      field: '--critic',
    });
  return style;
};

/** `--mix 0.3,0.1,0.45,0.15`: four shares (answers, summaries, updates after a summary, after the answers) summing to 1. */
const kindShares = (text: string): [number, number, number, number] => {
  const shares = text.split(',').map(Number);
  const sum = shares.reduce((total, share) => total + share, 0);
  if (shares.length !== 4 || shares.some((share) => !Number.isFinite(share) || share < 0) || Math.abs(sum - 1) > 1e-6)
    throw new MaftError(
      'CONFIG_INVALID',
      `expected four shares ≥ 0 summing to 1 (e.g. 0.6,0.08,0.22,0.1), got "${text}"`,
      {
        field: '--mix',
      },
    );
  return shares as [number, number, number, number];
};

/**
 * The stages `--init` continues, from its `--init-report`: their reports (the last checked to describe the `--init`
 * file, by sha256), first stage first, and the commands that remake them.
 */
async function earlierStages(init: string, reportFile: string | undefined): Promise<EarlierStage[]> {
  if (reportFile === undefined) return [];
  const { chain, warning } = await readEarlierStage({ report: reportFile, model: init });
  if (warning !== undefined) process.stderr.write(`maft: warning: ${warning}\n`);
  return stageCommands(chain, init);
}

const nonNegative = (text: string, flag: string): number => (text === '0' ? 0 : positive(text, flag));
const positiveNumber = (text: string, flag: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new MaftError('CONFIG_INVALID', `expected a positive number, got "${text}"`, { field: `--${flag}` });
  return value;
};

/** `maft base-model`: pretrain the arithmetic base model from scratch (the recipe in src/tools/base-model/). */
export function registerBaseModelCommand(program: Command): void {
  program
    .command('base-model')
    .description("pretrain maft's small arithmetic base model from scratch (seeded, CPU) and measure it")
    .option('--out <file>', 'the GGUF to write', 'models/arithmetic-base.gguf')
    .option('--examples <n>', 'synthetic conversations to train on', '22000')
    .option('--seed <n>', 'seed of the weights, the data and the order', '1')
    .option(
      '--threads <n>',
      'CPU threads (the card is measured on 1: more threads change float rounding, so sampled text)',
      '1',
    )
    .option('--eval <n>', 'held-out problems to measure single-answer accuracy on', '200')
    .option('--report <file>', 'also write the measurements as JSON')
    .option('--card <file>', 'also write the model card (Markdown)')
    .option('--init <file>', 'continue training this model (a later stage of the recipe) instead of random weights')
    .option(
      '--init-report <file>',
      "the --report of the stage --init names (its sha256 must be that file's): of a stage trained from scratch, or of one made with --init-report, which records the stages before it; the card then shows every stage and the commands that remake them",
    )
    .option(
      '--first-example <n>',
      'index of the first synthetic conversation (a later stage starts past the earlier ones)',
      '0',
    )
    .option('--learning-rate <x>', 'peak learning rate (warmup, then cosine decay)', '1e-3')
    .option('--window <n>', 'tokens per training window (a longer conversation is cut at its head, counted)', '800')
    .option('--windows-per-step <n>', 'training windows per optimizer step', '2')
    .option('--max <n>', "largest value of the arithmetic problems the model is made for (the task's max)", '9')
    .option(
      '--critic <style>',
      `how the curriculum's critics weigh the others' answers: ${criticStyles.join(', ')} (src/tools/base-model/arithmetic-curriculum.ts)`,
      'weighed',
    )
    .option(
      '--mix <shares>',
      'shares of answers, summaries, updates after a summary and updates after the answers (default 0.6,0.08,0.22,0.1)',
    )
    .option('--force', 'overwrite --out, --report and --card when they exist (the default --out is the shipped model)')
    .action(async (flags: BaseModelFlags) => {
      refuseOverwrites(flags);
      if (flags.initReport !== undefined && flags.init === undefined)
        throw new MaftError('CONFIG_INVALID', 'names the report of the stage --init continues; give --init too', {
          field: '--init-report',
        });
      // Read before hours of training, so a bad report (or one of another model) is refused at once.
      const earlier = flags.init === undefined ? [] : await earlierStages(flags.init, flags.initReport);
      let lastPrinted = 0;
      const report: BaseModelReport = await makeArithmeticBase({
        outputPath: flags.out,
        examples: positive(flags.examples, 'examples'),
        seed: positive(flags.seed, 'seed'),
        threads: positive(flags.threads, 'threads'),
        evalProblems: positive(flags.eval, 'eval'),
        ...(flags.init === undefined ? {} : { initPath: flags.init }),
        firstExample: nonNegative(flags.firstExample, 'first-example'),
        learningRate: positiveNumber(flags.learningRate, 'learning-rate'),
        max: positive(flags.max, 'max'),
        windowLength: positive(flags.window, 'window'),
        windowsPerStep: positive(flags.windowsPerStep, 'windows-per-step'),
        critic: criticStyle(flags.critic),
        ...(flags.mix === undefined ? {} : { kindShares: kindShares(flags.mix) }),
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: (progress) => {
          if (progress.elapsedMs - lastPrinted < 15_000 && progress.step !== progress.totalSteps) return;
          lastPrinted = progress.elapsedMs;
          process.stderr.write(
            `step ${progress.step}/${progress.totalSteps}  loss ${progress.loss.toFixed(3)}  lr ${progress.learningRate.toExponential(2)}  ${progress.tokensPerSecond.toFixed(0)} tok/s  ${(progress.elapsedMs / 60000).toFixed(1)} min\n`,
          );
        },
      });
      const json = JSON.stringify(
        {
          ...report,
          init: flags.init ?? null,
          firstExample: Number(flags.firstExample),
          ...(earlier.length === 0 ? {} : { earlierStages: earlier.map((stage) => stage.report) }),
        },
        null,
        2,
      );
      if (flags.report !== undefined) writeFileSync(flags.report, `${json}\n`);
      if (flags.card !== undefined)
        writeFileSync(flags.card, renderModelCard(report, `npx maft ${process.argv.slice(2).join(' ')}`, earlier));
      process.stdout.write(`${json}\n`);
    });
}
