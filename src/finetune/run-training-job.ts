import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MaftError, errorCodes, type ErrorCode } from '../errors/maft-error.js';
import type { TrainingPlan, TrainingProgress, TrainingResult } from '../trainer/training-plan.js';

export interface TrainingJobOptions {
  onProgress?: (progress: TrainingProgress) => void;
  /** Called with the child's pid once it runs (for monitoring, and for tests that kill it). */
  onStart?: (pid: number) => void;
  signal?: AbortSignal;
}

/** The child's entry: the compiled .js next to this file, or the .ts source through tsx when running from source. */
function childEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  return {
    file: here.replace(/run-training-job\.(ts|js)$/, `training-child.${fromSource ? 'ts' : 'js'}`),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}

/**
 * Train in a child process: the plan goes in a JSON file (it can hold many thousand tokenized rows), progress
 * comes back per step, and a crash of any kind — a ggml assertion (SIGABRT), running out of memory, a kill — is
 * turned into one clear MaftError naming what happened and the last step reached. The parent, and the run,
 * carry on: a job that did not finish left no result file (results are written atomically).
 */
export function runTrainingJob(
  planFile: string,
  plan: Pick<TrainingPlan, 'outputPath'>,
  options: TrainingJobOptions = {},
): Promise<TrainingResult> {
  const { file, execArgv } = childEntry();
  return new Promise((resolve, reject) => {
    const child = fork(file, [planFile], {
      execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    let stderr = '';
    let lastStep = 0;
    let outcome: { result: TrainingResult } | { code: string; message: string } | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on(
      'message',
      (message: {
        type: string;
        progress?: TrainingProgress;
        result?: TrainingResult;
        code?: string;
        message?: string;
      }) => {
        if (message.type === 'progress' && message.progress) {
          lastStep = message.progress.step;
          options.onProgress?.(message.progress);
        } else if (message.type === 'result' && message.result) outcome = { result: message.result };
        else if (message.type === 'error')
          outcome = { code: message.code ?? 'INTERNAL', message: message.message ?? 'unknown error' };
      },
    );
    child.on('error', (error) => {
      if (error.name === 'AbortError') reject(new MaftError('ABORTED', `training of ${plan.outputPath} was cancelled`));
      else reject(new MaftError('TRAINING_FAILED', `cannot start the trainer process: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      if (outcome !== undefined && 'result' in outcome) return resolve(outcome.result);
      if (outcome !== undefined) {
        const known = outcome.code in errorCodes ? (outcome.code as ErrorCode) : 'TRAINING_FAILED';
        return reject(new MaftError(known, outcome.message.split('\n')[0] ?? outcome.message));
      }
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      const last = stderr
        .trim()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .at(-1);
      reject(
        new MaftError(
          'TRAINING_CRASHED',
          `the trainer process ${how} after step ${lastStep}${last ? ` (last output: ${last.slice(0, 200)})` : ''}; nothing was written to ${plan.outputPath}`,
          {},
          { retryable: signal === 'SIGKILL' },
        ),
      );
    });
  });
}
