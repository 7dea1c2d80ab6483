/**
 * Trainer `command`: any external trainer (Axolotl, LLaMA-Factory, a cluster's `sbatch --wait`, a script around
 * maft's own trainer) behind one documented contract, run once per job, no shell:
 *
 *   env MAFT_DATA             the job's rows as maft's canonical JSONL ({prompt, completion, metadata} per line)
 *       MAFT_DATA_CHAT        the same rows as chat JSONL ({"messages": [...]}, earlier assistant turns weight 0)
 *       MAFT_BASE_MODEL       the base model (backend.model: a GGUF file, or a name)
 *       MAFT_INITIAL_ADAPTER  the adapter to continue from (the previous iteration's), empty for a fresh one
 *       MAFT_OUTPUT           where to write the product: a GGUF LoRA file (produces gguf-adapter) or a PEFT
 *                             adapter directory (produces peft-adapter)
 *       MAFT_HYPERPARAMETERS  trainer.hyperparameters as JSON;  MAFT_SEED  the job's seed;  MAFT_JOB  its label
 *   args {data} {dataChat} {base} {initialAdapter} {output} {hyperparameters} {seed} in `command` are replaced
 *        by the same values.
 *   end  exit code 0 and MAFT_OUTPUT exists (a PEFT directory: with adapter_config.json) = succeeded; anything
 *        else = failed, with the last output line as the reason. Output lines go to the job log.
 * A job dies with the maft process that ran it; a restarted run runs it again (the output is written anew).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { exportOpenAiChatJsonl } from '../../finetune-data/export/openai-chat.js';
import { MaftError } from '../../errors/maft-error.js';
import type { ModelRef } from '../../spec/model-ref.js';
import type { TrainerJobSpec, TrainerJobStatus, TrainerJobs } from '../trainer-job.js';

export interface CommandTrainerSettings {
  command: readonly string[];
  produces: 'gguf-adapter' | 'peft-adapter';
  hyperparameters: Record<string, unknown>;
  baseModel: string;
  seed: (spec: TrainerJobSpec) => number;
  /** The run's artifacts: an artifact name → its path. */
  artifactPath: (name: string) => string;
}

interface LocalJob {
  spec: TrainerJobSpec;
  output: string;
  state: 'running' | 'succeeded' | 'failed';
  error?: string;
  events: string[];
  stop?: () => void;
}

export function createCommandTrainer(settings: CommandTrainerSettings): TrainerJobs {
  const jobs = new Map<string, LocalJob>();
  let next = 0;
  return {
    kind: 'command',
    minimumRows: 1,
    survivesRestart: false,
    async start(spec: TrainerJobSpec): Promise<string> {
      const directory = `models/${spec.key.method}/iteration-${spec.key.iteration}`;
      const output = `${directory}/${spec.name}${settings.produces === 'gguf-adapter' ? '.gguf' : '.peft'}`;
      const outputPath = settings.artifactPath(output);
      rmSync(outputPath, { recursive: true, force: true });
      mkdirSync(path.dirname(outputPath), { recursive: true });
      const dataPath = settings.artifactPath(
        `jobs/${spec.key.method}/iteration-${spec.key.iteration}/${spec.name}.rows.jsonl`,
      );
      const chatPath = dataPath.replace(/\.rows\.jsonl$/, '.chat.jsonl');
      mkdirSync(path.dirname(dataPath), { recursive: true });
      writeFileSync(dataPath, spec.rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      writeFileSync(chatPath, exportOpenAiChatJsonl(spec.rows));
      const values: Record<string, string> = {
        data: dataPath,
        dataChat: chatPath,
        base: settings.baseModel,
        initialAdapter:
          spec.from !== undefined && 'adapter' in spec.from ? settings.artifactPath(spec.from.adapter) : '',
        output: outputPath,
        hyperparameters: JSON.stringify(settings.hyperparameters),
        seed: String(settings.seed(spec)),
      };
      const [program, ...args] = settings.command.map((part) =>
        part.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole),
      );
      const job: LocalJob = { spec, output, state: 'running', events: [] };
      const id = `command-${process.pid}-${++next}`;
      jobs.set(id, job);
      const child = spawn(program ?? '', args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          MAFT_DATA: values.data,
          MAFT_DATA_CHAT: values.dataChat,
          MAFT_BASE_MODEL: values.base,
          MAFT_INITIAL_ADAPTER: values.initialAdapter,
          MAFT_OUTPUT: values.output,
          MAFT_HYPERPARAMETERS: values.hyperparameters,
          MAFT_SEED: values.seed,
          MAFT_JOB: spec.label,
        },
      });
      job.stop = () => child.kill('SIGTERM');
      let last = '';
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          job.events.push(line);
          if (line.trim() !== '') last = line.trim();
        });
      }
      child.on('error', (error) => {
        job.state = 'failed';
        job.error = `cannot start ${program}: ${error.message}`;
      });
      child.on('close', (code, signal) => {
        if (job.state === 'failed') return;
        const marker = settings.produces === 'peft-adapter' ? path.join(outputPath, 'adapter_config.json') : outputPath;
        if (code === 0 && existsSync(marker)) job.state = 'succeeded';
        else {
          job.state = 'failed';
          job.error =
            code === 0
              ? `the command exited 0 but wrote no ${marker}`
              : `the command ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${last ? ` (last output: ${last.slice(0, 200)})` : ''}`;
        }
      });
      return id;
    },
    async status(jobId: string): Promise<TrainerJobStatus> {
      const job = jobs.get(jobId);
      if (job === undefined)
        return { state: 'failed', providerStatus: 'lost', error: 'the process that ran it has ended' };
      const events = job.events.splice(0);
      if (job.state !== 'succeeded')
        return { state: job.state, providerStatus: job.state, events, ...(job.error ? { error: job.error } : {}) };
      return {
        state: 'succeeded',
        providerStatus: 'exited 0',
        events,
        ...(settings.produces === 'gguf-adapter' ? { model: { adapter: job.output } } : { peftAdapter: job.output }),
      };
    },
    async result(jobId: string): Promise<ModelRef> {
      const job = jobs.get(jobId);
      if (job?.state !== 'succeeded' || settings.produces !== 'gguf-adapter')
        throw new MaftError('TRAINING_FAILED', `job ${jobId} made no GGUF adapter`);
      return { adapter: job.output };
    },
    async cancel(jobId: string): Promise<void> {
      jobs.get(jobId)?.stop?.();
    },
  };
}
