import { describe, expect, it } from 'vitest';
import { gpuSlots, runOnGpuSlots, type GpuSlot } from '../../src/trainers/hf/gpu-slots.js';

describe('hf jobs on disjoint GPUs', () => {
  it('cuts the GPUs into disjoint slots, each with its own port', () => {
    expect(gpuSlots([0, 1, 2, 3], 2)).toEqual([
      { index: 0, gpus: [0, 1], port: 29500 },
      { index: 1, gpus: [2, 3], port: 29501 },
    ]);
    expect(gpuSlots([0, 1, 2], 2)).toHaveLength(1);
    expect(() => gpuSlots([0], 2)).toThrow(/cannot give 2 GPUs per job/);
  });

  it('never runs two jobs on one slot at once, and a failed job does not stop the others', async () => {
    const slots = gpuSlots([0, 1, 2, 3], 1);
    const busy = new Set<number>();
    let maxConcurrent = 0;
    const releases: (() => void)[] = [];
    const run = async (job: number, slot: GpuSlot): Promise<string> => {
      expect(busy.has(slot.index)).toBe(false);
      busy.add(slot.index);
      maxConcurrent = Math.max(maxConcurrent, busy.size);
      await new Promise<void>((resolve) => releases.push(resolve));
      busy.delete(slot.index);
      if (job === 2) throw new Error('CUDA error on job 2');
      return `job ${job} on GPU ${slot.gpus.join(',')}`;
    };
    const all = runOnGpuSlots([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], slots, run);
    // Release the running jobs one at a time until every job has run.
    for (let released = 0; released < 10; released++) {
      while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    const outcomes = await all;
    expect(maxConcurrent).toBe(4);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      ...Array(7).fill('fulfilled'),
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'job 0 on GPU 0' });
  });
});
