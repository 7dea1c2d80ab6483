/**
 * Training speed and peak memory of maft's embedded trainer (full-parameter and LoRA) next to llama.cpp's own
 * training loop (examples/training/finetune.cpp: llama_opt_epoch, built from the source node-llama-cpp ships and
 * linked to its libraries) on the same model file, context (256), batch (one 256-token window per step) and
 * threads. Each side runs in its own process under /usr/bin/time for its peak RSS. llama.cpp's loop trains
 * neither attn_k/attn_v (they reach attention through the KV cache) nor with a prompt mask; maft does both.
 *   npm run bench:training -- [--threads 2] [--steps 40]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTinyLlamaModel } from '../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../src/gguf/write-gguf.js';
import { createRandom } from '../src/util/random.js';
import { scratchDirectory } from './scratch-directory.js';

const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const threads = flag('threads', '2');
const steps = Number(flag('steps', '40'));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const directory = scratchDirectory('training');
const modelPath = path.join(directory, 'bench-3m.gguf');
await writeGgufFile(
  modelPath,
  createTinyLlamaModel({
    embeddingLength: 256,
    blockCount: 4,
    headCount: 4,
    feedForwardLength: 768,
    contextLength: 256,
    seed: 1,
  }),
);

/** Run under /usr/bin/time; returns stdout+stderr and the peak RSS in MB. */
function timed(command: string, args: string[], cwd = root): { output: string; peakMb: number } {
  const result = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB %M', command, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout}${result.stderr}`;
  const peak = Number(/PEAK_KB (\d+)/.exec(output)?.[1] ?? Number.NaN);
  if (result.status !== 0) throw new Error(`${command} failed:\n${output.slice(-2000)}`);
  return { output, peakMb: peak / 1024 };
}

// llama.cpp: a text of (steps + 12) windows of 256 tokens; time per step from its per-step log timestamps.
// ggml loads its CPU backend (libggml-cpu-<arch>.so) from the working directory: run where node-llama-cpp keeps them.
const ggmlBackends = path.join(root, 'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64');
const finetune = execFileSync('bash', [path.join(root, 'scripts/build-llama-finetune.sh')], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .at(-1) as string;
const words = ['the', 'answer', 'is', 'sum', 'plus', 'equals', 'boxed', 'times', 'number', 'round', 'minus'];
const random = createRandom(7);
const text = Array.from(
  { length: ((steps + 12) * 256) / 2 },
  () => `${words[random.integer(0, words.length - 1)]}${random.integer(0, 999)}`,
).join(' ');
writeFileSync(path.join(directory, 'train.txt'), text);
const llama = timed(
  finetune,
  [
    '-m',
    modelPath,
    '-f',
    path.join(directory, 'train.txt'),
    '-c',
    '256',
    '-b',
    '256',
    '-ub',
    '256',
    '-t',
    threads,
    '--epochs',
    '1',
    '-o',
    path.join(directory, 'out.gguf'),
    '-lr',
    '1e-4',
  ],
  ggmlBackends,
);
const stamps = [...llama.output.replace(/\r/g, '\n').matchAll(/(\d+)\.(\d\d)\.(\d\d\d)\.(\d\d\d) I epoch/g)].map(
  (m) => Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 1e3 + Number(m[4]) / 1e6,
);
const measured = stamps.slice(5); // skip graph building and warm-up
const llamaMsPerStep = ((measured.at(-1)! - measured[0]!) / (measured.length - 1)) * 1000;

const maft = (mode: string) => {
  const run = timed(process.execPath, [
    '--import',
    'tsx',
    'bench/trainer-throughput.ts',
    '--modes',
    mode,
    '--threads',
    threads,
    '--steps',
    String(steps),
    '--model',
    modelPath,
  ]);
  const msPerStep = Number(/([\d.]+) ms\/step/.exec(run.output)?.[1]);
  return { msPerStep, peakMb: run.peakMb };
};
const full = maft('full');
const lora = maft('lora');

const rate = (ms: number) => (256 / (ms / 1000)).toFixed(0);
console.log(
  `training, ~3.8M-param llama (n_embd 256, 4 layers), 256-token windows, one per step, ${threads} thread(s), node ${process.version}`,
);
console.log(
  `llama.cpp llama_opt_epoch:  ${llamaMsPerStep.toFixed(1)} ms/step = ${rate(llamaMsPerStep)} train tok/s, peak ${llama.peakMb.toFixed(0)} MB (K/V frozen, no prompt mask)`,
);
console.log(
  `maft full:                  ${full.msPerStep.toFixed(1)} ms/step = ${rate(full.msPerStep)} train tok/s, peak ${full.peakMb.toFixed(0)} MB, ratio ${(llamaMsPerStep / full.msPerStep).toFixed(2)}× llama.cpp`,
);
console.log(
  `maft LoRA (rank 16, all 7): ${lora.msPerStep.toFixed(1)} ms/step = ${rate(lora.msPerStep)} train tok/s, peak ${lora.peakMb.toFixed(0)} MB, ratio ${(llamaMsPerStep / lora.msPerStep).toFixed(2)}× llama.cpp`,
);
