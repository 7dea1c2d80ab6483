/**
 * Trainer `hf` behind the durable-job interface: each job writes its rows as TRL prompt–completion JSONL and
 * runs python/maft_hf_train.py under `accelerate launch` (launch-hf-job.ts: command line, data check, log,
 * loss events), continuing from the previous iteration's PEFT adapter. The product is the PEFT adapter
 * directory (`peftAdapter`); the pipeline converts it to a GGUF adapter when the backend applies GGUF adapters
 * (`convertHfProduct`). Jobs run one after another on the named GPUs (the launcher's disjoint slots run
 * several at once with `maft hf-train`). A job dies with the maft process that ran it: a restart runs it again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { convertPeftToGguf } from '../../adapters/convert-adapter.js';
import { exportTrlPromptCompletionJsonl } from '../../finetune-data/export/trl-prompt-completion.js';
import { MaftError } from '../../errors/maft-error.js';
import type { ModelRef } from '../../spec/model-ref.js';
import type { TrainerJobSpec, TrainerJobStatus, TrainerJobs } from '../trainer-job.js';
import { resolveHfTrainOptions } from './hf-train-options.js';
import { launchHfJob, prepareHfCommand } from './launch-hf-job.js';
import { checkHfPython } from './preflight.js';

export interface HfTrainerSettings {
  model: string;
  accelerateConfig: string;
  python: string;
  gpus?: readonly number[];
  hyperparameters: Record<string, unknown>;
  artifactPath: (name: string) => string;
  /** The previous iteration's PEFT adapter of a model (artifact name), if any. */
  previousPeft: (spec: TrainerJobSpec) => string | undefined;
}

/** Before the run starts: the options parse, the accelerate config reads, Python has every package (one line). */
export async function preflightHfTrainer(
  settings: Omit<HfTrainerSettings, 'artifactPath' | 'previousPeft'>,
): Promise<void> {
  const options = resolveHfTrainOptions(settings.hyperparameters, 'trainer.hyperparameters');
  const { extraPackages } = await prepareHfCommand({
    paths: { data: 'data.jsonl', model: settings.model, output: 'out' },
    options,
    accelerateConfig: settings.accelerateConfig,
    python: settings.python,
    ...(settings.gpus ? { gpus: settings.gpus } : {}),
    logPath: '/dev/null',
  });
  checkHfPython(settings.python, extraPackages);
}

export function createHfTrainer(settings: HfTrainerSettings): TrainerJobs {
  const options = resolveHfTrainOptions(settings.hyperparameters, 'trainer.hyperparameters');
  const jobs = new Map<string, { state: TrainerJobStatus; events: string[] }>();
  let queue: Promise<unknown> = Promise.resolve();
  let next = 0;
  return {
    kind: 'hf',
    minimumRows: 1,
    survivesRestart: false,
    async start(spec: TrainerJobSpec): Promise<string> {
      const directory = `models/${spec.key.method}/iteration-${spec.key.iteration}`;
      const peft = `${directory}/${spec.name}.peft`;
      const data = settings.artifactPath(
        `jobs/${spec.key.method}/iteration-${spec.key.iteration}/${spec.name}.trl.jsonl`,
      );
      mkdirSync(path.dirname(data), { recursive: true });
      writeFileSync(data, exportTrlPromptCompletionJsonl(spec.rows));
      const previous = settings.previousPeft(spec);
      const id = `hf-${process.pid}-${++next}`;
      const job = { state: { state: 'pending', providerStatus: 'queued' } as TrainerJobStatus, events: [] as string[] };
      jobs.set(id, job);
      // One job at a time on the named GPUs.
      queue = queue.then(async () => {
        job.state = { state: 'running', providerStatus: 'running' };
        const started = Date.now();
        try {
          const { losses } = await launchHfJob({
            paths: {
              data,
              model: settings.model,
              output: settings.artifactPath(peft),
              ...(previous !== undefined ? { initAdapter: settings.artifactPath(previous) } : {}),
            },
            options,
            accelerateConfig: settings.accelerateConfig,
            python: settings.python,
            ...(settings.gpus ? { gpus: settings.gpus } : {}),
            logPath: settings.artifactPath(
              `jobs/${spec.key.method}/iteration-${spec.key.iteration}/${spec.name}.hf.log`,
            ),
            onEvent: (event) => {
              if (event.event === 'loss') job.events.push(`step ${event.step} loss ${event.loss}`);
            },
          });
          const last = losses.at(-1);
          job.state = {
            state: 'succeeded',
            providerStatus: 'exited 0',
            peftAdapter: peft,
            ...(last === undefined
              ? {}
              : {
                  result: {
                    steps: last.step,
                    finalLoss: last.loss,
                    losses: losses.map((point) => point.loss),
                    elapsedMs: Date.now() - started,
                  },
                }),
          };
        } catch (error) {
          job.state = {
            state: 'failed',
            providerStatus: 'failed',
            error: error instanceof Error ? error.message : String(error),
          };
        }
      });
      return id;
    },
    async status(jobId: string): Promise<TrainerJobStatus> {
      const job = jobs.get(jobId);
      if (job === undefined)
        return { state: 'failed', providerStatus: 'lost', error: 'the process that ran it has ended' };
      return { ...job.state, events: job.events.splice(0) };
    },
    async result(jobId: string): Promise<ModelRef> {
      throw new MaftError('INTERNAL', `an hf job (${jobId}) makes a PEFT adapter, not a model reference`);
    },
    async cancel(): Promise<void> {
      // Jobs end with their process (launchHfJob's AbortSignal is the hook when a caller needs it).
    },
  };
}

/** An hf job's PEFT adapter → the GGUF adapter a llama.cpp backend applies (src/adapters), next to it. */
export async function convertHfProduct(
  peftAdapter: string,
  baseGguf: string,
  artifactPath: (name: string) => string,
): Promise<{ adapter: string }> {
  const adapter = peftAdapter.replace(/\.peft$/, '.gguf');
  await convertPeftToGguf({
    peftDirectory: artifactPath(peftAdapter),
    basePath: baseGguf,
    outPath: artifactPath(adapter),
  });
  return { adapter };
}
