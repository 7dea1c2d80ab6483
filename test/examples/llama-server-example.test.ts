/**
 * examples/llama-server.yaml for real, as a user runs it (`maft run examples/llama-server.yaml` with
 * MAFT_LLAMA_SERVER set; with fewer problems, `--finetune-count 12 --eval-count 6`): inference through a llama-server maft starts itself, adapters made by the embedded
 * trainer, multiagent FT and single-agent FT. What proves the society used 2N distinct adapters: every reply
 * records the model that answered, and in the multiagent-FT evaluation agent n's round-1 replies come from its
 * own generator adapter and its later rounds from its own critic adapter, 2N adapters in all; single-agent FT's
 * agents all use its one adapter; the summarizer is the base model. Per-agent accuracy is in results.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { binary, suiteName } from '../backends/llama-server/fixtures.js';
import { cliCommand } from '../helpers/run-cli.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const model = path.join(repoRoot, 'models', 'arithmetic-base.gguf');

describe.skipIf(binary.path === undefined)(suiteName('examples/llama-server.yaml'), () => {
  let directory: string | undefined;
  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('runs the whole method through llama-server with 2N distinct adapters', async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'maft-llama-server-example-'));
    const run = path.join(directory, 'run');
    const [executable, ...prefix] = cliCommand();
    const result = await new Promise<{ status: number | null; output: string }>((resolve) => {
      // The example's own file, at a quarter of its problems (its 48 + 24 decode one request at a time on one
      // thread): 12 finetune debates of 2 agents give all 2N = 4 models rows to train.
      const counts = ['--finetune-count', '12', '--eval-count', '6'];
      const child = spawn(
        executable as string,
        [...prefix, 'run', 'examples/llama-server.yaml', '--run', run, ...counts],
        {
          cwd: repoRoot,
          env: { ...process.env, MAFT_LLAMA_SERVER: binary.path },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (status) => resolve({ status, output }));
    });
    expect(result.status, result.output).toBe(0);

    const registry = JSON.parse(await readFile(path.join(run, 'artifacts/models/registry.json'), 'utf8')) as {
      entries: { method: string; agent: number | null; role: string; status: string; adapter?: string }[];
    };
    const adapterOf = (agent: number, role: string) =>
      registry.entries.find((entry) => entry.method === 'multiagent-ft' && entry.agent === agent && entry.role === role)
        ?.adapter;
    const own = [0, 1].flatMap((agent) => [adapterOf(agent, 'generator'), adapterOf(agent, 'critic')]);
    expect(own.every((adapter) => adapter !== undefined)).toBe(true);
    expect(new Set(own).size).toBe(4); // 2N = 4 adapters

    const records = async (stage: string) =>
      (await readFile(path.join(run, 'records', `${stage}.jsonl`), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as DebateTranscript);
    const base = `llama-server:${model}`;
    const used = new Map<string, Set<string>>();
    const summaries = new Set<string>();
    for (const debate of await records('multiagent-ft/iteration-1/eval')) {
      for (const agent of debate.agents) {
        for (const turn of agent.turns) {
          const key = `${agent.agent}/${turn.role}`;
          used.set(key, (used.get(key) ?? new Set()).add(turn.response.modelId));
          if (turn.summary !== undefined) summaries.add(turn.summary.modelId);
        }
      }
    }
    expect(Object.fromEntries([...used].map(([key, ids]) => [key, [...ids]]))).toEqual({
      '0/generator': [`${base}+${adapterOf(0, 'generator')}`],
      '0/critic': [`${base}+${adapterOf(0, 'critic')}`],
      '1/generator': [`${base}+${adapterOf(1, 'generator')}`],
      '1/critic': [`${base}+${adapterOf(1, 'critic')}`],
    });
    expect([...summaries]).toEqual([base]);

    const single = registry.entries.find((entry) => entry.method === 'single-agent-ft')?.adapter;
    const singleIds = new Set(
      (await records('single-agent-ft/iteration-1/eval')).flatMap((debate) =>
        debate.agents.flatMap((agent) => agent.turns.map((turn) => turn.response.modelId)),
      ),
    );
    expect([...singleIds]).toEqual([`${base}+${single}`]);

    const results = JSON.parse(await readFile(path.join(run, 'artifacts/results.json'), 'utf8')) as {
      scores: { method: string; iteration: number; accuracy: number; perAgentAccuracy?: number[] }[];
    };
    const multiagent = results.scores.find((score) => score.method === 'multiagent-ft' && score.iteration === 1);
    expect(multiagent?.perAgentAccuracy).toHaveLength(2);
    expect(results.scores.find((score) => score.method === 'single-agent-ft' && score.iteration === 1)).toBeDefined();
  });
});
