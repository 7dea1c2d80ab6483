/**
 * `maft serve` itself (the CLI, spawned as a user runs it) on a run directory whose model registry holds a
 * finetuned agent: the trained society is `society`, its adapters answer, the base society stays available,
 * SIGTERM lets an in-flight request finish; and a non-loopback address without an API key is refused.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDefaultConfig, resolveRunConfig, shippedBaseModel } from '../../src/config/resolve-run-config.js';
import { describeLoraAdapter } from '../../src/gguf/lora-adapter.js';
import { randomFloats } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { DebateExtension } from '../../src/serve/debate-answer.js';
import { cliCommand, runCli } from '../helpers/run-cli.js';
import { arithmeticQuestion } from './serve-helpers.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const adapterName = (role: string) => `models/multiagent-ft/iteration-1/agent-0-${role}.gguf`;

const scratch = temporaryDirectory('serve-run');

/** A run directory as `maft run` leaves it after iteration 1, where only agent 0's models were trained. */
async function makeTrainedRun(): Promise<string> {
  const directory = path.join(scratch, 'run');
  const raw = {
    ...embeddedDefaultConfig(),
    iterations: 1,
    methods: ['debate', 'multiagent-ft', 'star'],
    sampling: { maxTokens: 48 },
  };
  const { config } = await resolveRunConfig(
    { ...raw, backend: { kind: 'llama-cpp', model: shippedBaseModel, threads: 1, contextSize: 1024 } },
    'test',
  );
  const run = openRun(directory, config, { command: ['test'] });
  const entries = [];
  fs.mkdirSync(path.join(directory, 'artifacts', 'models', 'multiagent-ft', 'iteration-1'), { recursive: true });
  for (const role of ['generator', 'critic']) {
    const rank = 2;
    const weights = [
      {
        target: 'blk.0.attn_output.weight',
        inputSize: 192,
        outputSize: 192,
        rank,
        a: randomFloats(1, 192 * rank, 0.05),
        b: randomFloats(2, rank * 192, 0.05),
      },
    ];
    await writeGgufFile(
      path.join(directory, 'artifacts', adapterName(role)),
      describeLoraAdapter({ architecture: 'llama', alpha: rank, weights }),
    );
    entries.push({
      method: 'multiagent-ft',
      iteration: 1,
      agent: 0,
      role,
      status: 'succeeded',
      base: shippedBaseModel,
      adapter: adapterName(role),
      rows: 1,
      dataHash: 'x',
      trainer: {},
      versions: { maft: 'test', nodeLlamaCpp: 'test' },
      updatedAt: new Date().toISOString(),
    });
  }
  // STaR's one model (a single agent answering once), on the generator's adapter file.
  entries.push({ ...entries[0]!, method: 'star', agent: null, role: 'single' });
  fs.writeFileSync(path.join(directory, 'artifacts', 'models', 'registry.json'), JSON.stringify({ entries }));
  run.close();
  return directory;
}

describe('maft serve (the command)', () => {
  let directory: string;
  let child: ReturnType<typeof spawn>;
  let stderr = '';
  let baseURL: string;
  beforeAll(async () => {
    directory = await makeTrainedRun();
    const [executable, ...prefix] = cliCommand();
    child = spawn(executable as string, [...prefix, 'serve', directory, '--port', '0', '--threads', '1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    baseURL = await new Promise<string>((resolve, reject) => {
      const check = setInterval(() => {
        const match = /listening on (http:\/\/\S+\/v1)/.exec(stderr);
        if (match?.[1] !== undefined) {
          clearInterval(check);
          resolve(match[1]);
        }
      }, 50);
      child.once('exit', (code) => reject(new Error(`maft serve exited with ${code}: ${stderr}`)));
    });
  });
  afterAll(() => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the run: `society` is the finetuned society, its agent 0 answers through its adapters', async () => {
    const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'society',
        'society@base',
        'society@multiagent-ft/1',
        'society@star/1',
        'agent-0/generator',
        'agent-2/critic',
      ]),
    );
    const completion = await client.chat.completions.create({
      model: 'society',
      messages: [{ role: 'user', content: arithmeticQuestion }],
      max_tokens: 32,
      seed: 5,
    });
    const debate = (completion as unknown as { maft: DebateExtension }).maft;
    expect(debate.society).toBe('society@multiagent-ft/1');
    const modelOf = (round: number, agent: number) =>
      debate.rounds[round]?.replies.find((reply) => reply.agent === agent)?.model;
    expect(modelOf(0, 0)).toContain(adapterName('generator'));
    expect(modelOf(1, 0)).toContain(adapterName('critic'));
    expect(modelOf(0, 1)).not.toContain('+');
    const star = await client.chat.completions.create({
      model: 'society@star/1',
      messages: [{ role: 'user', content: arithmeticQuestion }],
      max_tokens: 16,
    });
    const starDebate = (star as unknown as { maft: DebateExtension }).maft;
    expect({ agents: starDebate.agents, rounds: starDebate.rounds.length }).toEqual({ agents: 1, rounds: 1 });
    expect(starDebate.rounds[0]?.replies[0]?.model).toContain(adapterName('generator'));
    const direct = await client.chat.completions.create({
      model: 'agent-0/critic',
      messages: [{ role: 'user', content: arithmeticQuestion }],
      max_tokens: 8,
    });
    expect((direct as unknown as { maft: { model: string } }).maft.model).toContain(adapterName('critic'));
  });

  it('SIGTERM: the in-flight request is answered, then the server exits 0', async () => {
    const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'society@base',
      messages: [{ role: 'user', content: arithmeticQuestion }],
      max_tokens: 32,
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    let finish: string | null | undefined;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      finish ??= next.value.choices[0]?.finish_reason;
    expect(finish).toMatch(/stop|length/);
    expect(await exited).toBe(0);
    expect(stderr).toContain('maft serve: stopped');
    // The request log (stderr, JSONL) has no message content by default.
    expect(stderr).not.toContain(arithmeticQuestion);
  });

  it('refuses a non-loopback address without an API key', () => {
    const result = runCli(['serve', '--host', '0.0.0.0', '--api-key-env', 'MAFT_TEST_UNSET_KEY']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('needs an API key: set $MAFT_TEST_UNSET_KEY');
  });
});
