import { describe, expect, it } from 'vitest';
import { dataSourceStage, planRun } from '../../src/run-store/run-plan.js';

describe('the stages of maft run', () => {
  it('debates the base society on both splits, then iteration k of every method before k + 1', () => {
    const ids = planRun({ methods: ['base', 'multiagent-ft', 'star', 'single-agent-ft'], iterations: 2 }).map(
      (stage) => stage.id,
    );
    expect(ids).toEqual([
      'base/eval',
      'base/finetune',
      'multiagent-ft/iteration-1/data',
      'multiagent-ft/iteration-1/train',
      'multiagent-ft/iteration-1/eval',
      'single-agent-ft/iteration-1/data',
      'single-agent-ft/iteration-1/train',
      'single-agent-ft/iteration-1/eval',
      'star/iteration-1/finetune',
      'star/iteration-1/data',
      'star/iteration-1/train',
      'star/iteration-1/eval',
      'multiagent-ft/iteration-2/finetune',
      'multiagent-ft/iteration-2/data',
      'multiagent-ft/iteration-2/train',
      'multiagent-ft/iteration-2/eval',
      'single-agent-ft/iteration-2/finetune',
      'single-agent-ft/iteration-2/data',
      'single-agent-ft/iteration-2/train',
      'single-agent-ft/iteration-2/eval',
      'star/iteration-2/finetune',
      'star/iteration-2/data',
      'star/iteration-2/train',
      'star/iteration-2/eval',
    ]);
  });

  it('needs no finetune-split debate of the base society without a debate-data method', () => {
    expect(planRun({ methods: ['base', 'majority', 'debate'], iterations: 3 }).map((stage) => stage.id)).toEqual([
      'base/eval',
    ]);
    expect(planRun({ methods: ['star'], iterations: 1 }).map((stage) => stage.id)).toEqual([
      'base/eval',
      'star/iteration-1/finetune',
      'star/iteration-1/data',
      'star/iteration-1/train',
      'star/iteration-1/eval',
    ]);
  });

  it('answers the finetune split with the models of iteration k − 1 and the eval split with those of k', () => {
    const stages = planRun({ methods: ['majority-ft'], iterations: 2 });
    expect(stages.find((stage) => stage.id === 'majority-ft/iteration-2/finetune')?.modelsOf).toBe(1);
    expect(stages.find((stage) => stage.id === 'majority-ft/iteration-2/eval')?.modelsOf).toBe(2);
    expect(dataSourceStage('majority-ft', 1)).toBe('base/finetune');
    expect(dataSourceStage('majority-ft', 2)).toBe('majority-ft/iteration-2/finetune');
    expect(dataSourceStage('star', 1)).toBe('star/iteration-1/finetune');
  });

  it('reads back each society’s held-out debates after its eval stage when diversity is on (≥ 2 agents, not STaR)', () => {
    const ids = (input: Parameters<typeof planRun>[0]) =>
      planRun(input)
        .filter((stage) => stage.kind === 'diversity')
        .map((stage) => stage.id);
    const input = { methods: ['debate', 'multiagent-ft', 'star'] as const, iterations: 1, diversity: { problems: 8 } };
    const stages = planRun({ ...input, methods: [...input.methods] }).map((stage) => stage.id);
    expect(stages.slice(0, 2)).toEqual(['base/eval', 'base/diversity']);
    expect(stages.indexOf('multiagent-ft/iteration-1/diversity')).toBe(
      stages.indexOf('multiagent-ft/iteration-1/eval') + 1,
    );
    expect(ids({ ...input, methods: [...input.methods] })).toEqual([
      'base/diversity',
      'multiagent-ft/iteration-1/diversity',
    ]);
    expect(ids({ ...input, methods: [...input.methods], diversity: { problems: 0 } })).toEqual([]);
    expect(ids({ ...input, methods: [...input.methods], society: { agents: 1 } })).toEqual([]);
  });
});
