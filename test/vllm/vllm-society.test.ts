/**
 * vLLM in a run: an openai backend flagged as vLLM (`backend.vllm`) serves a society whose models are PEFT
 * directories (the `hf` trainer's `peftAdapter`): each is registered by name before the society debates, and
 * every agent and role asks for its own name. Anything vLLM cannot load is one line before any debate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendConfigSchema } from '../../src/config/config-sections.js';
import { backendServes } from '../../src/config/backend-serves.js';
import { MaftError } from '../../src/errors/maft-error.js';
import type { ModelRegistry, RegistryEntry } from '../../src/finetune/model-registry.js';
import { createModelSource } from '../../src/society/open-society.js';
import { methodSociety } from '../../src/society/society-plan.js';
import { knownLoraModules, writePeftAdapter } from '../helpers/peft-adapter.js';
import { startLoopbackVllm, type LoopbackVllm } from '../helpers/loopback-vllm.js';

const base = 'meta-llama/Llama-3.1-8B-Instruct';
const settings = { agents: 2, rounds: 2, critics: true };

const entry = (agent: number, role: 'generator' | 'critic', fields: Partial<RegistryEntry>): RegistryEntry => ({
  method: 'multiagent-ft',
  iteration: 1,
  agent,
  role,
  status: 'succeeded',
  base,
  rows: 3,
  dataHash: 'h',
  trainer: {},
  versions: { maft: '0', nodeLlamaCpp: '0' },
  updatedAt: 't',
  ...fields,
});

const peft = (agent: number, role: string) => `models/multiagent-ft/iteration-1/agent-${agent}-${role}`;

/** hf jobs: a PEFT directory each (and, for agent 1, the GGUF conversion too: vLLM must still get the PEFT one). */
const registry: ModelRegistry = {
  entries: [0, 1].flatMap((agent) =>
    (['generator', 'critic'] as const).map((role) =>
      entry(agent, role, {
        peftAdapter: peft(agent, role),
        ...(agent === 1 ? { adapter: `${peft(agent, role)}.gguf` } : {}),
      } as Partial<RegistryEntry>),
    ),
  ),
};

const oneLine = async (work: Promise<unknown>): Promise<string> => {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MaftError)) throw new Error(`expected a MaftError, got ${String(error)}`);
  return error.toOneLine();
};

describe('a finetuned society served by vLLM', () => {
  let artifacts: string;
  let vllm: LoopbackVllm;
  const adapterPath = (name: string) => path.join(artifacts, name);
  const backend = (url: string, vllmSettings: Record<string, unknown> | null = {}) =>
    backendConfigSchema.parse({
      kind: 'openai',
      baseUrl: `${url}/v1`,
      model: base,
      maxRetries: 0,
      ...(vllmSettings === null ? {} : { vllm: vllmSettings }),
    });

  beforeAll(async () => {
    artifacts = await mkdtemp(path.join(tmpdir(), 'maft-vllm-society-'));
    for (const agent of [0, 1])
      for (const role of ['generator', 'critic'])
        await writePeftAdapter(adapterPath(peft(agent, role)), knownLoraModules(64), 8);
    vllm = await startLoopbackVllm({ maxLoras: 2 });
  });
  afterAll(async () => {
    await vllm?.close();
    await rm(artifacts, { recursive: true, force: true });
  });

  it('registers the 2N PEFT adapters by name and gives each agent and role its own', async () => {
    const plan = methodSociety('multiagent-ft', 1, registry, settings, { peft: true });
    expect(plan.agents[1]?.generator).toEqual({ adapter: peft(1, 'generator') });
    const source = createModelSource(backend(vllm.url), { agents: 2, problemConcurrency: 1, adapterPath });
    const society = await source.openSociety(plan);
    expect([...vllm.loaded].sort()).toEqual(
      [0, 1]
        .flatMap((agent) =>
          ['generator', 'critic'].map((role) => [
            `multiagent-ft.iteration-1.agent-${agent}-${role}`,
            adapterPath(peft(agent, role)),
          ]),
        )
        .sort(),
    );
    const ask = { messages: [{ role: 'user' as const, content: '2+5?' }], seed: 1 };
    const answered = [];
    for (const agent of society.agents)
      for (const model of [agent.generator, agent.critic]) answered.push((await model.complete(ask)).modelId);
    expect(answered).toEqual([
      'multiagent-ft.iteration-1.agent-0-generator',
      'multiagent-ft.iteration-1.agent-0-critic',
      'multiagent-ft.iteration-1.agent-1-generator',
      'multiagent-ft.iteration-1.agent-1-critic',
    ]);
    expect((await society.summarizer.complete(ask)).modelId).toBe(base);
    // Opening the next iteration's society reloads in place rather than failing on a taken name.
    await source.openSociety(plan);
    expect(vllm.requests.filter((request) => request.body?.['load_inplace'] === true)).toHaveLength(4);
    expect(backendServes(backend(vllm.url))).toEqual(new Set(['served-model', 'peft-adapter']));
  });

  it('asks a served name per agent and role on any OpenAI-compatible server (hosted trainers: ft: ids)', async () => {
    const name = 'multiagent-ft.iteration-1.agent-0-generator'; // loaded by the test above
    const source = createModelSource(backend(vllm.url, null), { agents: 2, problemConcurrency: 1, adapterPath });
    const society = await source.openSociety({
      rounds: 2,
      agents: [{ generator: { served: name } }, { critic: { served: name } }],
    });
    const ask = { messages: [{ role: 'user' as const, content: '2+5?' }], seed: 1 };
    expect((await society.agents[0]!.generator.complete(ask)).modelId).toBe(name);
    expect((await society.agents[0]!.critic.complete(ask)).modelId).toBe(base);
    expect(society.agents[0]!.generator.id).not.toBe(society.agents[0]!.critic.id); // distinct cache keys
    expect(society.agents[1]!.critic.id).toBe(society.agents[0]!.generator.id);
  });

  it('refuses in one line what the server cannot serve', async () => {
    const plan = methodSociety('multiagent-ft', 1, registry, settings, { peft: true });
    const options = { agents: 2, problemConcurrency: 1, adapterPath };
    // Not flagged as vLLM: an adapter cannot be named.
    expect(await oneLine(createModelSource(backend(vllm.url, null), options).openSociety(plan))).toMatch(
      /^backend\.kind: the openai backend serves models by name and cannot load adapter models\/multiagent-ft\/iteration-1\/agent-0-generator/,
    );
    // A GGUF adapter (no PEFT directory): vLLM reads PEFT.
    const gguf = methodSociety('multiagent-ft', 1, registry, settings);
    expect(gguf.agents[1]?.generator).toEqual({ adapter: `${peft(1, 'generator')}.gguf` });
    expect(
      await oneLine(
        createModelSource(backend(vllm.url), options).openSociety({ rounds: 2, agents: [gguf.agents[1] ?? {}] }),
      ),
    ).toMatch(/agent-1-generator\.gguf: backend\.vllm: vLLM loads PEFT adapter directories, not GGUF files/);
    // No runtime LoRA: the --lora-modules line to restart with.
    const fixed = await startLoopbackVllm({ runtimeLora: false, maxLoras: 2 });
    try {
      const line = await oneLine(createModelSource(backend(fixed.url), options).openSociety(plan));
      expect(line).toMatch(
        /does not load adapters at run time .*--lora-modules multiagent-ft\.iteration-1\.agent-0-generator=/,
      );
      expect(line.split('\n')).toHaveLength(1);
    } finally {
      await fixed.close();
    }
    // A declared --max-lora-rank below the adapters' rank 4.
    expect(await oneLine(createModelSource(backend(vllm.url, { maxLoraRank: 1 }), options).openSociety(plan))).toMatch(
      /rank 4 > the server's --max-lora-rank 1/,
    );
  });
});
