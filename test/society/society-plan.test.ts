import { describe, expect, it } from 'vitest';
import { methodSociety } from '../../src/society/society-plan.js';
import type { ModelRegistry, RegistryEntry } from '../../src/finetune/model-registry.js';

const entry = (
  fields: Partial<RegistryEntry> & Pick<RegistryEntry, 'method' | 'iteration' | 'agent' | 'role' | 'status'>,
): RegistryEntry => ({
  base: 'base.gguf',
  rows: 1,
  dataHash: 'h',
  trainer: {},
  versions: { maft: '0', nodeLlamaCpp: '0' },
  updatedAt: 't',
  ...(fields.status === 'succeeded'
    ? {
        adapter: `models/${fields.method}/iteration-${fields.iteration}/${fields.agent === null ? 'model' : `agent-${fields.agent}-${fields.role}`}.gguf`,
      }
    : {}),
  ...fields,
});

const registry: ModelRegistry = {
  entries: [
    entry({ method: 'multiagent-ft', iteration: 1, agent: 0, role: 'generator', status: 'succeeded' }),
    entry({ method: 'multiagent-ft', iteration: 1, agent: 0, role: 'critic', status: 'succeeded' }),
    entry({ method: 'multiagent-ft', iteration: 1, agent: 1, role: 'generator', status: 'skipped' }),
    entry({ method: 'multiagent-ft', iteration: 2, agent: 0, role: 'generator', status: 'failed' }),
    entry({ method: 'single-agent-ft', iteration: 1, agent: null, role: 'single', status: 'succeeded' }),
  ],
};
const settings = { agents: 2, rounds: 2, critics: true };

describe("the models of a method's society", () => {
  it('gives each agent its own latest succeeded generator and critic; no model means the base', () => {
    expect(methodSociety('multiagent-ft', 2, registry, settings)).toEqual({
      rounds: 2,
      agents: [
        {
          generator: { adapter: 'models/multiagent-ft/iteration-1/agent-0-generator.gguf' },
          critic: { adapter: 'models/multiagent-ft/iteration-1/agent-0-critic.gguf' },
        },
        {},
      ],
    });
  });

  it('uses the base model for critics in the without-critic ablation, and at iteration 0', () => {
    expect(methodSociety('multiagent-ft', 1, registry, { ...settings, critics: false }).agents[0]).toEqual({
      generator: { adapter: 'models/multiagent-ft/iteration-1/agent-0-generator.gguf' },
    });
    expect(methodSociety('multiagent-ft', 0, registry, settings).agents).toEqual([{}, {}]);
  });

  it('gives every agent the one shared model of single-agent FT; majority FT answers once; STaR is one agent', () => {
    const single = methodSociety('single-agent-ft', 2, registry, settings);
    expect(single.agents).toEqual(
      [0, 1].map(() => ({
        generator: { adapter: 'models/single-agent-ft/iteration-1/model.gguf' },
        critic: { adapter: 'models/single-agent-ft/iteration-1/model.gguf' },
      })),
    );
    expect(methodSociety('majority-ft', 1, registry, settings)).toEqual({ rounds: 1, agents: [{}, {}] });
    expect(methodSociety('star', 1, registry, settings)).toEqual({ rounds: 1, agents: [{}] });
  });
});
