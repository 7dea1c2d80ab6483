/**
 * How long a training child keeps computing after its parent is killed with SIGKILL (it cannot be told to
 * stop; it must notice by itself). A parent process starts one LoRA job on the shipped model with long steps
 * (8 windows of 1024 tokens per step), this script kills the parent after the child's first step and polls
 * the child's pid until it is gone. Usage: npx tsx bench/orphaned-trainer.ts [trials]
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedBaseModel } from '../src/config/resolve-run-config.js';
import { isProcessAlive } from '../src/run-store/process-lock.js';
import { runTrainingJob } from '../src/finetune/run-training-job.js';
import { tokenizeRows } from '../src/finetune/tokenize-rows.js';
import { scratchDirectory } from './scratch-directory.js';

async function parent(directory: string): Promise<void> {
  const content = Array.from({ length: 60 }, (_, index) => `${index}+${index}=${2 * index}`).join(', ');
  const rows = Array.from({ length: 64 }, () => ({
    prompt: [{ role: 'user' as const, content: 'Count.' }],
    completion: { role: 'assistant' as const, content: content },
  }));
  const examples = await tokenizeRows(shippedBaseModel, rows);
  const plan = {
    modelPath: shippedBaseModel,
    outputPath: path.join(directory, 'orphan.gguf'),
    mode: 'lora' as const,
    examples,
    windowLength: 1024,
    windowsPerStep: 8,
    epochs: 4,
    threads: 1,
  };
  const planFile = path.join(directory, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  await runTrainingJob(planFile, plan, {
    onStart: (pid) => process.stdout.write(`child ${pid}\n`),
    onProgress: (progress) => process.stdout.write(`step ${progress.step} ${performance.now().toFixed(0)}\n`),
  });
}

/** Alive and not a zombie (a dead orphan stays a zombie until its new parent reaps it; it computes nothing). */
function isComputing(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return isProcessAlive(pid);
  }
}

async function trial(): Promise<{ stepMs: number; afterKillMs: number }> {
  const directory = scratchDirectory('orphaned-trainer');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'parent', directory], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let trainer = 0;
  const steps: number[] = [];
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.startsWith('child ')) trainer = Number(line.slice(6));
        if (line.startsWith('step ')) steps.push(Number(line.split(' ')[2]));
        if (steps.length === 2) resolve();
      }
    });
  });
  const stepMs = (steps[1] ?? 0) - (steps[0] ?? 0);
  // Kill right after a step reported: the worst moment for a child that only checks between steps.
  const killed = performance.now();
  child.kill('SIGKILL');
  while (isComputing(trainer)) await new Promise((resolve) => setTimeout(resolve, 5));
  return { stepMs, afterKillMs: performance.now() - killed };
}

if (process.argv[2] === 'parent') {
  await parent(process.argv[3] as string);
} else {
  const trials = Number(process.argv[2] ?? '3');
  for (let index = 0; index < trials; index++) {
    const { stepMs, afterKillMs } = await trial();
    process.stdout.write(
      `trial ${index + 1}: one step ${stepMs.toFixed(0)} ms; the child ran ${afterKillMs.toFixed(0)} ms after its parent was killed\n`,
    );
  }
}
