/**
 * Training speed of the embedded ggml trainer on the notes' benchmark shape: a ~3.8M-parameter llama (n_embd 256,
 * 4 layers, 4 heads, ff 768, maft's 806-token SPM vocabulary, random weights), windows of 256 tokens, one window
 * per step by default, AdamW with gradient clipping. Reports train tokens/s (window tokens per second of
 * optimizer steps, after one warm-up step that builds and allocates the graph) for full-parameter and LoRA
 * (rank 16, all seven matrices) training.
 *   npm run bench:trainer [-- --threads 2] [-- --steps 30] [-- --modes full,lora] [-- --windows 1]
 * Compare with llama.cpp's own loop (examples/training/finetune.cpp built against the same shipped libraries,
 * -c 256 -b 256 -ub 256 -t <threads>) on the same model file, written to --model if given.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTinyLlamaModel } from '../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../src/gguf/write-gguf.js';
import { layoutWindow } from '../src/trainer/data/pack-windows.js';
import { openTrainingSession } from '../src/trainer/training-session.js';
import { createRandom } from '../src/util/random.js';

const flag = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const threads = Number(flag('threads', '2'));
const steps = Number(flag('steps', '30'));
const modes = flag('modes', 'full,lora').split(',') as ('full' | 'lora')[];
const windowsPerStep = Number(flag('windows', '1'));
const windowLength = 256;

const directory = await mkdtemp(path.join(tmpdir(), 'maft-bench-trainer-'));
const modelPath = flag('model', path.join(directory, 'bench-3m.gguf'));
try {
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
  const random = createRandom(5);
  const windows = Array.from({ length: windowsPerStep }, () => {
    const tokens = Array.from({ length: windowLength }, () => 5 + Math.floor(random.next() * 400));
    return layoutWindow({ segments: [{ tokens, completion: tokens.map(() => true) }] }, windowLength);
  });
  for (const mode of modes) {
    const session = await openTrainingSession({
      modelPath,
      mode,
      threads,
      maxGradientNorm: 1,
      lora: { rank: 16, alpha: 32, seed: 1 },
    });
    try {
      const first = session.step(windows, 1e-3);
      const started = performance.now();
      let last = first;
      for (let step = 0; step < steps; step++) last = session.step(windows, 1e-3);
      const seconds = (performance.now() - started) / 1000;
      const parameters = session.trainable.reduce(
        (total, tensor) => total + tensor.shape.reduce((a, b) => a * b, 1),
        0,
      );
      console.log(
        `${mode}: ${threads} thread(s), ${windowsPerStep}×${windowLength} tokens/step, ${(parameters / 1e6).toFixed(2)}M trainable, ` +
          `${((seconds / steps) * 1000).toFixed(1)} ms/step, ${Math.round((windowLength * windowsPerStep * steps) / seconds)} train tokens/s, ` +
          `loss ${first.loss.toFixed(3)} → ${last.loss.toFixed(3)}`,
      );
    } finally {
      session.dispose();
    }
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
