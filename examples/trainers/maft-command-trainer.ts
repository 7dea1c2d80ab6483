/**
 * A `command` trainer made of maft's own trainer: what a user's script behind the command contract does
 * (docs/trainers.md), here with maft's ggml LoRA trainer so the contract runs for real in tests. It reads
 * MAFT_DATA (canonical rows), MAFT_BASE_MODEL (a GGUF file), MAFT_INITIAL_ADAPTER (empty: a fresh adapter),
 * MAFT_HYPERPARAMETERS ({rank, alpha, epochs, learningRate, windowLength}) and MAFT_SEED, and writes the GGUF
 * LoRA adapter at MAFT_OUTPUT. Run as `node --import tsx examples/trainers/maft-command-trainer.ts`.
 */
import { readRowsFile } from '../../src/run-store/read-dataset-files.js';
import { tokenizeRows } from '../../src/finetune/tokenize-rows.js';
import { train } from '../../src/trainer/train.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
};

const hyperparameters = JSON.parse(process.env.MAFT_HYPERPARAMETERS ?? '{}') as {
  rank?: number;
  alpha?: number;
  epochs?: number;
  learningRate?: number;
  windowLength?: number;
};
const base = required('MAFT_BASE_MODEL');
const rows = readRowsFile(required('MAFT_DATA')).map(({ row }) => row);
const initialAdapter = process.env.MAFT_INITIAL_ADAPTER ?? '';
const rank = hyperparameters.rank ?? 4;
console.log(`training ${rows.length} rows on ${base}${initialAdapter ? `, continuing ${initialAdapter}` : ''}`);
const result = await train(
  {
    modelPath: base,
    outputPath: required('MAFT_OUTPUT'),
    mode: 'lora',
    lora: { rank, alpha: hyperparameters.alpha ?? 2 * rank, ...(initialAdapter ? { initialAdapter } : {}) },
    examples: await tokenizeRows(base, rows),
    windowLength: hyperparameters.windowLength ?? 256,
    epochs: hyperparameters.epochs ?? 1,
    learningRate: hyperparameters.learningRate ?? 1e-3,
    seed: Number(process.env.MAFT_SEED ?? 1),
    threads: 1,
  },
  (progress) => console.log(`step ${progress.step}/${progress.totalSteps} loss ${progress.loss.toFixed(4)}`),
);
console.log(`trained ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}`);
