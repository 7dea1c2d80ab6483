/**
 * One `hf` job from start to end, as `maft hf-train` runs it and as a trainer job of the pipeline can
 * (issue 9's durable jobs wrap this): read the accelerate config, build the command, check Python and its
 * packages, validate the data file with the script itself (no torch needed), then run and stream.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { MaftError } from '../../errors/maft-error.js';
import { gpuSlots, runOnGpuSlots } from './gpu-slots.js';
import {
  buildHfTrainCommand,
  parseAccelerateConfig,
  renderHfCommand,
  type HfCommand,
  type HfJobPaths,
} from './accelerate-command.js';
import type { HfTrainOptions } from './hf-train-options.js';
import { checkHfPython, hfTrainScript } from './preflight.js';
import { runHfJob, type HfJobResult, type HfTrainEvent } from './run-hf-job.js';

export interface HfJobRequest {
  readonly paths: HfJobPaths;
  readonly options: HfTrainOptions & { learningRate: number };
  readonly accelerateConfig: string;
  readonly python: string;
  readonly gpus?: readonly number[];
  readonly port?: number;
  readonly logPath: string;
  readonly onEvent?: (event: HfTrainEvent) => void;
  readonly signal?: AbortSignal;
}

export async function prepareHfCommand(
  request: HfJobRequest,
): Promise<{ command: HfCommand; extraPackages: readonly string[] }> {
  const text = await readFile(request.accelerateConfig, 'utf8').catch(() => {
    throw new MaftError('FILE_NOT_FOUND', 'no such accelerate config', { file: request.accelerateConfig });
  });
  const accelerate = parseAccelerateConfig(text, request.accelerateConfig);
  const launch = {
    python: request.python,
    script: hfTrainScript,
    accelerate,
    ...(request.gpus === undefined ? {} : { gpus: request.gpus }),
    ...(request.port === undefined ? {} : { port: request.port }),
  };
  return {
    command: buildHfTrainCommand(request.paths, request.options, launch),
    extraPackages: accelerate.extraPackages,
  };
}

/** The script's own data check: the same parser the training run will use, errors as file:line: field. */
export function validateHfData(python: string, data: string): number {
  const result = spawnSync(python, [hfTrainScript, '--data', data, '--validate-only'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  let event: { event?: string; rows?: number; message?: string } = {};
  try {
    event = JSON.parse(result.stdout.trim().split('\n').pop() || '{}') as typeof event;
  } catch {
    // Not the script's JSON (a crash before it printed): reported below with the exit status and stderr.
  }
  if (result.status !== 0 || event.event !== 'validated') {
    throw new MaftError(
      'INPUT_INVALID',
      event.message ?? `data check failed (exit ${result.status}): ${result.stderr.trim().split('\n').pop() ?? ''}`,
    );
  }
  return event.rows ?? 0;
}

export async function launchHfJob(request: HfJobRequest): Promise<HfJobResult & { commandLine: string }> {
  const { command, extraPackages } = await prepareHfCommand(request);
  checkHfPython(request.python, extraPackages);
  validateHfData(request.python, request.paths.data);
  const result = await runHfJob({
    command,
    method: request.options.method,
    output: request.paths.output,
    logPath: request.logPath,
    ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  return { ...result, commandLine: renderHfCommand(command) };
}

export interface HfJobsOnGpus {
  /** The machine's GPUs for these jobs, e.g. [0, 1, 2, 3]. */
  readonly gpus: readonly number[];
  /** GPUs per job: 1 runs up to gpus.length jobs at once; gpus.length runs them one after another. */
  readonly gpusPerJob: number;
}

/**
 * An iteration's 2N jobs on disjoint GPUs: Python and packages checked once, up front (one line naming what is
 * missing, before any job starts), then each job on a free slot with its own GPUs and port. Every outcome is
 * returned in job order; a failed job does not stop the others.
 */
export async function launchHfJobs(
  requests: readonly Omit<HfJobRequest, 'gpus' | 'port'>[],
  placement: HfJobsOnGpus,
): Promise<PromiseSettledResult<HfJobResult & { commandLine: string }>[]> {
  const slots = gpuSlots(placement.gpus, placement.gpusPerJob);
  const checked = new Set<string>();
  for (const request of requests) {
    const key = `${request.python}\0${request.accelerateConfig}`;
    if (checked.has(key)) continue;
    checked.add(key);
    // Builds the command for the first slot too: a config that cannot run on a slot fails here, before any job.
    const { extraPackages } = await prepareHfCommand({ ...request, gpus: slots[0]?.gpus ?? [] });
    checkHfPython(request.python, extraPackages);
  }
  return runOnGpuSlots(requests, slots, (request, slot) =>
    launchHfJob({ ...request, gpus: slot.gpus, port: slot.port }),
  );
}
