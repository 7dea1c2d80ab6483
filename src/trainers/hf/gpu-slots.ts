/**
 * Several `hf` jobs on one machine: the GPUs are cut into disjoint slots of `gpusPerJob`, each job runs on a
 * free slot (its CUDA_VISIBLE_DEVICES and its own rendezvous port), and the next job takes the slot when it
 * ends. One slot = jobs one after another. A failed job does not stop the others: every outcome is returned,
 * in job order, so the caller records each agent's result and nothing finished is lost.
 */
import { MaftError } from '../../errors/maft-error.js';

export interface GpuSlot {
  readonly index: number;
  readonly gpus: readonly number[];
  /** torch.distributed port for the job on this slot. */
  readonly port: number;
}

export function gpuSlots(gpus: readonly number[], gpusPerJob: number, basePort = 29500): GpuSlot[] {
  if (!Number.isInteger(gpusPerJob) || gpusPerJob < 1 || gpus.length < gpusPerJob) {
    throw new MaftError('CONFIG_INVALID', `cannot give ${gpusPerJob} GPUs per job out of [${gpus.join(', ')}]`, {
      field: 'gpusPerJob',
    });
  }
  const slots: GpuSlot[] = [];
  for (let start = 0; start + gpusPerJob <= gpus.length; start += gpusPerJob) {
    slots.push({ index: slots.length, gpus: gpus.slice(start, start + gpusPerJob), port: basePort + slots.length });
  }
  return slots;
}

export async function runOnGpuSlots<Job, Result>(
  jobs: readonly Job[],
  slots: readonly GpuSlot[],
  run: (job: Job, slot: GpuSlot) => Promise<Result>,
): Promise<PromiseSettledResult<Result>[]> {
  const outcomes: PromiseSettledResult<Result>[] = new Array(jobs.length);
  let next = 0;
  const worker = async (slot: GpuSlot): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      try {
        outcomes[index] = { status: 'fulfilled', value: await run(jobs[index] as Job, slot) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(slots.map(worker));
  return outcomes;
}
