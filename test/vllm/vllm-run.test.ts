/**
 * The GPU path inside a whole `maft run`, as far as a machine without a GPU allows: a `command` trainer with
 * `produces: peft-adapter` (maft's own trainer behind the command contract, writing PEFT adapter directories:
 * test/helpers/maft-peft-command-trainer.ts) and an `openai` backend flagged as vLLM, pointed at the loopback
 * vLLM whose chat completions are real: forwarded to a llama-server over the base GGUF with each registered
 * adapter converted back to GGUF by maft's converter and chosen per request (test/helpers/vllm-on-llama-server.ts).
 * One run directory meets, in turn, a server whose --max-lora-rank is below the adapters' rank, a server without
 * runtime LoRA, and a server that fits: the first two are one line each with nothing of the run lost (training is
 * not redone), the third finishes the run with every reply from its own agent's adapter.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { binary, suiteName } from '../backends/llama-server/fixtures.js';
import { startLoopbackVllm, type LoopbackVllm, type LoopbackVllmOptions } from '../helpers/loopback-vllm.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { vllmOnLlamaServer, type VllmOnLlamaServer } from '../helpers/vllm-on-llama-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const baseGguf = path.join(repoRoot, 'models', 'arithmetic-base.gguf');
const trainerScript = path.join(repoRoot, 'test', 'helpers', 'maft-peft-command-trainer.ts');
const baseName = 'arithmetic-base';
const names = [0, 1].flatMap((agent) =>
  ['generator', 'critic'].map((role) => `multiagent-ft.iteration-1.agent-${agent}-${role}`),
);

describe.skipIf(binary.path === undefined)(suiteName('maft run: command trainer (PEFT) + vLLM'), () => {
  let directory: string;
  let server: LoopbackVllm | undefined;
  let engine: VllmOnLlamaServer | undefined;
  afterAll(async () => {
    await server?.close();
    await engine?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  /** (Re)starts "vLLM" at the same address, as a user restarting the server with other flags. */
  const restart = async (options: LoopbackVllmOptions): Promise<LoopbackVllm> => {
    const port = server === undefined ? 0 : Number(new URL(server.url).port);
    await server?.close();
    server = await startLoopbackVllm({
      baseModel: baseName,
      maxLoras: 2,
      port,
      ...(engine === undefined ? {} : { chat: engine.chat }),
      ...options,
    });
    return server;
  };

  it('trains PEFT adapters with a command, serves them on vLLM by name, and survives two bad servers', async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'maft-vllm-run-'));
    engine = vllmOnLlamaServer({
      baseGguf,
      directory: path.join(directory, 'served'),
      binary: binary.path as string,
      parallel: 1, // one request at a time: the same seeds give the same replies, so the same rows every run
    });
    const first = await restart({ maxLoraRank: 16 });
    const config = path.join(directory, 'gpu.json');
    await writeFile(
      config,
      JSON.stringify({
        task: { name: 'arithmetic', options: { max: 9 } },
        split: { finetuneCount: 8, evalCount: 4 },
        society: { agents: 2, rounds: 2 },
        sampling: { maxTokens: 160 },
        methods: ['multiagent-ft'],
        iterations: 1,
        backend: { kind: 'openai', baseUrl: `${first.url}/v1`, model: baseName, concurrency: 1, vllm: {} },
        trainer: {
          kind: 'command',
          produces: 'peft-adapter',
          command: [process.execPath, '--import', 'tsx', trainerScript, baseGguf],
          hyperparameters: { rank: 32, epochs: 1, learningRate: 1e-3, windowLength: 256 },
        },
      }),
    );
    const run = path.join(directory, 'run');
    const registryFile = path.join(run, 'artifacts/models/registry.json');
    const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('maft: error'));

    // 1. The server's --max-lora-rank (16) is below the adapters' rank (32): one line, after training is kept.
    const tooSmall = await runInProcess(['run', config, '--run', run]);
    expect(tooSmall.status, tooSmall.stderr).not.toBe(0);
    expect(errorLines(tooSmall.stderr)).toHaveLength(1);
    expect(errorLines(tooSmall.stderr)[0]).toMatch(
      /^maft: error \[CONFIG_INVALID\]: adapter multiagent-ft\.iteration-1\.agent-\d-\w+ has rank 32 > the server's --max-lora-rank 16: restart vLLM with --max-lora-rank 32$/,
    );
    const registry = JSON.parse(await readFile(registryFile, 'utf8')) as {
      entries: { agent: number; role: string; status: string; peftAdapter?: string; log?: string }[];
    };
    expect(registry.entries.map((entry) => entry.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    for (const entry of registry.entries) {
      const config = JSON.parse(
        await readFile(path.join(run, 'artifacts', entry.peftAdapter ?? '-', 'adapter_config.json'), 'utf8'),
      ) as { r: number; peft_type: string };
      expect(config).toMatchObject({ r: 32, peft_type: 'LORA' });
    }
    const trainedAt = (await stat(registryFile)).mtimeMs;

    // 2. A vLLM without runtime LoRA: one line with the `vllm serve … --lora-modules` command; nothing retrained.
    await restart({ runtimeLora: false, maxLoraRank: 32 });
    const noRuntime = await runInProcess(['run', config, '--run', run]);
    expect(noRuntime.status, noRuntime.stderr).not.toBe(0);
    expect(errorLines(noRuntime.stderr)).toHaveLength(1);
    expect(errorLines(noRuntime.stderr)[0]).toMatch(
      new RegExp(`vllm serve ${baseName} --enable-lora --max-loras 2 --max-lora-rank 32 --lora-modules .*${names[3]}=`),
    );
    expect((await stat(registryFile)).mtimeMs).toBe(trainedAt);

    // 3. A server that fits: the run resumes and finishes; each agent and role answered by its own adapter.
    const fits = await restart({ maxLoraRank: 32 });
    const before = engine.forwarded.length;
    const done = await runInProcess(['run', config, '--run', run]);
    expect(done.status, done.stderr).toBe(0);
    expect((await stat(registryFile)).mtimeMs).toBe(trainedAt);
    expect([...fits.loaded.keys()].sort()).toEqual([...names].sort());
    expect(engine.starts()).toBe(2); // the base alone, then base + the 2N converted adapters
    const peftOf = (name: string) => {
      const [, agent, role] = /agent-(\d)-(\w+)$/.exec(name) ?? [];
      const entry = registry.entries.find((item) => item.agent === Number(agent) && item.role === role);
      return path.join(run, 'artifacts', entry?.peftAdapter ?? '-');
    };
    const asked = engine.forwarded.slice(before).filter((request) => request.model !== baseName);
    expect(new Set(asked.map((request) => request.model))).toEqual(new Set(names));
    for (const request of asked) {
      expect(request.adapter).toBe(peftOf(request.model)); // its own PEFT weights, converted, at scale 1
      expect(request.scales.filter((scale) => scale === 1)).toHaveLength(1);
    }

    const records = (await readFile(path.join(run, 'records', 'multiagent-ft/iteration-1/eval.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DebateTranscript);
    const used = new Map<string, Set<string>>();
    for (const debate of records)
      for (const agent of debate.agents)
        for (const turn of agent.turns) {
          const key = `${agent.agent}/${turn.role}`;
          used.set(key, (used.get(key) ?? new Set()).add(turn.response.modelId));
        }
    const ids = Object.fromEntries([...used].map(([key, set]) => [key, [...set]]));
    expect(Object.keys(ids).sort()).toEqual(['0/critic', '0/generator', '1/critic', '1/generator']);
    for (const [key, set] of Object.entries(ids)) {
      expect(set).toHaveLength(1);
      expect(set[0]).toContain(`agent-${key.replace('/', '-')}`);
    }
    expect(new Set(Object.values(ids).flat()).size).toBe(4); // 2N distinct served names

    const results = JSON.parse(await readFile(path.join(run, 'artifacts/results.json'), 'utf8')) as {
      progress: { finished: boolean };
      scores: { method: string; iteration: number; accuracy: number; perAgentAccuracy?: number[] }[];
    };
    expect(results.progress.finished).toBe(true);
    const finetuned = results.scores.find((score) => score.method === 'multiagent-ft' && score.iteration === 1);
    expect(finetuned?.perAgentAccuracy).toHaveLength(2);
    expect(finetuned?.accuracy).toBeGreaterThanOrEqual(0);
  });
});
