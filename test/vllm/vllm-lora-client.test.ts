/**
 * Registering a society's adapters on vLLM, against a loopback server written from vLLM's published contract
 * (test/helpers/loopback-vllm.ts; no vLLM can run here), with PEFT directories on disk.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SocietyAdapter } from '../../src/vllm/society-adapters.js';
import { registerSocietyAdapters } from '../../src/vllm/vllm-lora-client.js';
import { startLoopbackVllm, type LoopbackVllm } from '../helpers/loopback-vllm.js';
import { knownLoraModules, writePeftAdapter } from '../helpers/peft-adapter.js';
import { runCliAsync } from '../helpers/run-cli.js';

let directory: string;
let server: LoopbackVllm | undefined;
let society: SocietyAdapter[];
let nextIteration: SocietyAdapter[];

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-vllm-'));
  const modules = knownLoraModules(32);
  const make = async (iteration: number): Promise<SocietyAdapter[]> => {
    const adapters: SocietyAdapter[] = [];
    for (const agent of [0, 1]) {
      for (const role of ['generator', 'critic']) {
        const adapterPath = path.join(directory, `iteration-${iteration}`, `agent-${agent}-${role}`);
        await writePeftAdapter(adapterPath, modules, 8);
        adapters.push({ name: `agent-${agent}-${role}`, path: adapterPath, rank: 4 });
      }
    }
    return adapters;
  };
  society = await make(1);
  nextIteration = await make(2);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const loads = (): unknown[] =>
  (server?.requests ?? []).filter((request) => request.path === '/v1/load_lora_adapter').map((request) => request.body);

describe('vLLM runtime LoRA registration', () => {
  it('loads the 2N adapters by name, reads --max-loras from /metrics, and reloads in place next iteration', async () => {
    server = await startLoopbackVllm({ maxLoras: 2 });
    const first = await registerSocietyAdapters(
      { baseUrl: `${server.url}/v1` },
      { adapters: society, agentsPerRound: 2 },
    );
    expect(first).toEqual({
      baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      maxLoras: 2,
      loaded: society.map((adapter) => ({ name: adapter.name, reloaded: false })),
    });
    expect([...server.loaded]).toEqual(society.map((adapter) => [adapter.name, adapter.path]));
    expect(loads()[0]).toEqual({ lora_name: 'agent-0-generator', lora_path: society[0]?.path });

    const second = await registerSocietyAdapters(
      { baseUrl: server.url },
      { adapters: nextIteration, agentsPerRound: 2 },
    );
    expect(second.loaded.every((entry) => entry.reloaded)).toBe(true);
    expect(loads()[4]).toEqual({
      lora_name: 'agent-0-generator',
      lora_path: nextIteration[0]?.path,
      load_inplace: true,
    });
    expect(server.loaded.get('agent-1-critic')).toBe(nextIteration[3]?.path);
  });

  it('a vLLM without load_inplace: unloads, then loads the new weights under the same name', async () => {
    server = await startLoopbackVllm({ maxLoras: 2, loadInplace: false });
    await registerSocietyAdapters({ baseUrl: server.url }, { adapters: society, agentsPerRound: 2 });
    await registerSocietyAdapters({ baseUrl: server.url }, { adapters: nextIteration, agentsPerRound: 2 });
    expect(server.requests.filter((request) => request.path === '/v1/unload_lora_adapter')).toHaveLength(4);
    expect(server.loaded.get('agent-0-generator')).toBe(nextIteration[0]?.path);
  });

  it('a server without runtime LoRA: one line with the vllm serve --lora-modules command to use', async () => {
    server = await startLoopbackVllm({ runtimeLora: false, maxLoras: 2 });
    const attempt = registerSocietyAdapters({ baseUrl: server.url }, { adapters: society, agentsPerRound: 2 });
    await expect(attempt).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).not.toContain('\n');
    expect(message).toContain('(404 on /v1/load_lora_adapter): restart it with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True');
    expect(message).toContain(
      `vllm serve meta-llama/Llama-3.1-8B-Instruct --enable-lora --max-loras 2 --max-lora-rank 8 --lora-modules agent-0-generator=${society[0]?.path} agent-0-critic=`,
    );
  });

  it("--max-loras below the agents of a round, and a declared --max-lora-rank below an adapter's rank: refused before any load", async () => {
    server = await startLoopbackVllm({ maxLoras: 1 });
    await expect(
      registerSocietyAdapters({ baseUrl: server.url }, { adapters: society, agentsPerRound: 2 }),
    ).rejects.toThrow(/--max-loras 1 batches fewer adapters than the 2 agents of a round: restart with --max-loras 2/);
    const big = society.map((adapter, index) => (index === 1 ? { ...adapter, rank: 64 } : adapter));
    await expect(
      registerSocietyAdapters(
        { baseUrl: server.url },
        { adapters: big, agentsPerRound: 1, limits: { maxLoraRank: 16 } },
      ),
    ).rejects.toThrow(
      /adapter agent-0-critic has rank 64 > the server's --max-lora-rank 16: restart with --max-lora-rank 64/,
    );
    expect(loads()).toHaveLength(0);
  });

  it("an adapter whose rank exceeds the server's undeclared --max-lora-rank: the load error becomes one line", async () => {
    server = await startLoopbackVllm({ maxLoras: 4, maxLoraRank: 16 });
    const wide = path.join(directory, 'rank-32');
    await writePeftAdapter(wide, knownLoraModules(32), 8, { r: 32 });
    const adapters = [...society.slice(0, 1), { name: 'agent-0-critic', path: wide, rank: 32 }];
    await expect(registerSocietyAdapters({ baseUrl: server.url }, { adapters, agentsPerRound: 1 })).rejects.toThrow(
      /^adapter agent-0-critic has rank 32 > the server's --max-lora-rank 16: restart vLLM with --max-lora-rank 32$/,
    );
    expect([...server.loaded.keys()]).toEqual(['agent-0-generator']);
  });

  it('an unreachable server', async () => {
    await expect(
      registerSocietyAdapters({ baseUrl: 'http://127.0.0.1:9' }, { adapters: society, agentsPerRound: 2 }),
    ).rejects.toMatchObject({ code: 'ENDPOINT_UNREACHABLE' });
  });

  it('maft adapter vllm-load reads ranks from the directories and registers them', async () => {
    server = await startLoopbackVllm({ maxLoras: 2 });
    const pairs = society.map((adapter) => `${adapter.name}=${adapter.path}`);
    const result = await runCliAsync([
      'adapter',
      'vllm-load',
      ...pairs,
      '--vllm',
      server.url,
      '--agents-per-round',
      '2',
      '--max-lora-rank',
      '8',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(
      society.map((adapter) => `loaded ${adapter.name} on meta-llama/Llama-3.1-8B-Instruct`),
    );
    const refused = await runCliAsync([
      'adapter',
      'vllm-load',
      ...pairs,
      '--vllm',
      server.url,
      '--agents-per-round',
      '2',
      '--max-lora-rank',
      '1',
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain("has rank 4 > the server's --max-lora-rank 1: restart with --max-lora-rank 8");
  });
});

it('writes PEFT rank patterns that the rank reader sees', async () => {
  const { readPeftAdapterRank } = await import('../../src/vllm/read-adapter-rank.js');
  const adapter = path.join(directory, 'pattern');
  await writePeftAdapter(adapter, knownLoraModules(32), 8, { r: 4, rank_pattern: { q_proj: 12 } });
  expect(await readPeftAdapterRank(adapter)).toBe(12);
  await writeFile(path.join(adapter, 'adapter_config.json'), '{"r": 0}');
  await expect(readPeftAdapterRank(adapter)).rejects.toThrow(/positive integer ranks/);
});
