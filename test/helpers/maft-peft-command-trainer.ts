/**
 * A `command` trainer with `produces: peft-adapter` made of maft's own trainer: what a GPU user's script behind
 * the command contract does (train, write a PEFT adapter directory for vLLM), here on the CPU with maft's ggml
 * LoRA trainer, so the contract runs for real in tests. It trains a GGUF LoRA adapter on the base GGUF named by
 * its first argument (MAFT_BASE_MODEL is the name the server serves, not a file), then writes it in PEFT layout
 * at MAFT_OUTPUT (src/adapters: maft's GGUF → PEFT export). A PEFT MAFT_INITIAL_ADAPTER is converted back to GGUF
 * and continued. MAFT_HYPERPARAMETERS: {rank, alpha, epochs, learningRate, windowLength}.
 * Run as `node --import tsx test/helpers/maft-peft-command-trainer.ts <base.gguf>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertPeftToGguf, exportGgufToPeft } from '../../src/adapters/convert-adapter.js';
import { readRowsFile } from '../../src/run-store/read-dataset-files.js';
import { tokenizeRows } from '../../src/finetune/tokenize-rows.js';
import { train } from '../../src/trainer/train.js';

const required = (name: string, value: string | undefined): string => {
  if (value === undefined || value === '') {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
};

const base = required('the base GGUF (first argument)', process.argv[2]);
const output = required('MAFT_OUTPUT', process.env.MAFT_OUTPUT);
const hyperparameters = JSON.parse(process.env.MAFT_HYPERPARAMETERS ?? '{}') as {
  rank?: number;
  alpha?: number;
  epochs?: number;
  learningRate?: number;
  windowLength?: number;
};
const rows = readRowsFile(required('MAFT_DATA', process.env.MAFT_DATA)).map(({ row }) => row);
const scratch = mkdtempSync(path.join(tmpdir(), 'maft-peft-trainer-'));
try {
  const from = process.env.MAFT_INITIAL_ADAPTER ?? '';
  const initialAdapter = from === '' ? undefined : path.join(scratch, 'initial.gguf');
  if (initialAdapter !== undefined)
    await convertPeftToGguf({ peftDirectory: from, basePath: base, outPath: initialAdapter });
  const rank = hyperparameters.rank ?? 4;
  console.log(`training ${rows.length} rows on ${base}${from ? `, continuing ${from}` : ''}`);
  const adapter = path.join(scratch, 'adapter.gguf');
  const result = await train(
    {
      modelPath: base,
      outputPath: adapter,
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
  const peft = await exportGgufToPeft({ adapterPath: adapter, basePath: base, outDirectory: output });
  console.log(
    `trained ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}; PEFT adapter of rank ${peft.ranks.join('/')} at ${output}`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
