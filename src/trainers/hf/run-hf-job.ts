/**
 * Run one `hf` job as a child process: every output line goes to the job log as it comes, the script's JSON
 * events (start, loss, done, error) go to the caller, and the end is checked — exit code, the script's own
 * error line, and the output directory it must leave (adapter_config.json for LoRA, config.json for full).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MaftError } from '../../errors/maft-error.js';
import type { HfCommand } from './accelerate-command.js';

export interface HfTrainEvent {
  readonly event: 'start' | 'loss' | 'done' | 'error' | 'validated';
  readonly step?: number;
  readonly epoch?: number;
  readonly loss?: number;
  readonly learning_rate?: number;
  readonly kind?: string;
  readonly message?: string;
}

export interface HfJobResult {
  readonly output: string;
  readonly losses: readonly { step: number; loss: number }[];
}

export interface RunHfJobOptions {
  readonly command: HfCommand;
  readonly method: 'lora' | 'full';
  readonly output: string;
  /** Appended to; created if missing. */
  readonly logPath: string;
  readonly onEvent?: (event: HfTrainEvent) => void;
  readonly signal?: AbortSignal;
}

export async function runHfJob(options: RunHfJobOptions): Promise<HfJobResult> {
  const { command } = options;
  const log = createWriteStream(options.logPath, { flags: 'a' });
  const losses: { step: number; loss: number }[] = [];
  let lastError: HfTrainEvent | undefined;
  const child = spawn(command.executable, [...command.args], {
    env: { ...process.env, ...command.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const read = (stream: NodeJS.ReadableStream, parse: boolean): Promise<void> =>
    new Promise((resolve) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        if (!parse || !line.startsWith('{')) return;
        try {
          const event = JSON.parse(line) as HfTrainEvent;
          if (event.event === 'loss' && typeof event.step === 'number' && typeof event.loss === 'number')
            losses.push({ step: event.step, loss: event.loss });
          if (event.event === 'error') lastError = event;
          options.onEvent?.(event);
        } catch {
          // A line that merely starts with '{' (a library's print): logged, not an event.
        }
      });
      lines.on('close', resolve);
    });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, spawnError: error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const [outcome] = await Promise.all([exit, read(child.stdout, true), read(child.stderr, false)]);
  await new Promise((resolve) => log.end(resolve));

  const where = { file: options.logPath };
  if (outcome.spawnError !== undefined) {
    if (outcome.spawnError.name === 'AbortError') throw new MaftError('ABORTED', 'the job was cancelled', where);
    throw new MaftError('CONFIG_INVALID', `cannot start ${command.executable}: ${outcome.spawnError.message}`, {
      field: 'python',
    });
  }
  if (outcome.code !== 0) {
    const said = lastError?.message ?? `exit ${outcome.code ?? outcome.signal}`;
    if (outcome.code === 2) throw new MaftError('INPUT_INVALID', said, where);
    if (outcome.code === 3) throw new MaftError('CONFIG_INVALID', said, where);
    if (outcome.code === 4)
      throw new MaftError('TRAINING_FAILED', /^CUDA error/.test(said) ? said : `CUDA error: ${said}`, where);
    throw new MaftError(
      lastError === undefined ? 'TRAINING_CRASHED' : 'TRAINING_FAILED',
      `the hf job failed: ${said}`,
      where,
    );
  }
  const expected = path.join(options.output, options.method === 'lora' ? 'adapter_config.json' : 'config.json');
  if (!existsSync(expected)) throw new MaftError('TRAINING_FAILED', `the job exited 0 but wrote no ${expected}`, where);
  return { output: options.output, losses };
}
