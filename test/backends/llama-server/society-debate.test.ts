/**
 * `maft debate --society <file.yaml>` on the managed llama-server, through the CLI as a user runs it: each agent
 * and role answers with the adapter the file names; a kill -9 mid-stage leaves no llama-server behind and the
 * resumed stage keeps what was written and finishes; a bad society file or an adapter for another base model is
 * one line and no run directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseShapes } from '../../../src/adapters/adapter-fits-base.js';
import { describeLoraAdapter } from '../../../src/gguf/lora-adapter.js';
import { randomFloats } from '../../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../../src/gguf/write-gguf.js';
import type { DebateTranscript } from '../../../src/spec/debate.js';
import { cliCommand } from '../../helpers/run-cli.js';
import { tinyAdapter } from '../../helpers/tiny-adapter.js';
import { binary, suiteName } from './fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const model = path.join(repoRoot, 'models', 'arithmetic-base.gguf');

function maft(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
  const [executable, ...prefix] = cliCommand();
  return new Promise((resolve) => {
    const child = spawn(executable as string, [...prefix, ...args], {
      cwd: repoRoot,
      env: { ...process.env, MAFT_LLAMA_SERVER: binary.path, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** Live llama-server processes whose command line mentions `needle` (zombies excluded). */
function serversWith(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
        return state !== 'Z' && path.basename(argv[0] ?? '') === 'llama-server' && argv.some((a) => a.includes(needle));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(binary.path === undefined)(suiteName('maft debate --society on llama-server'), () => {
  let directory: string;
  const config = () => path.join(directory, 'config.yaml');
  const args = (run: string, society: string) => [
    'debate',
    '--run',
    path.join(directory, run),
    '--config',
    config(),
    '--society',
    path.join(directory, society),
  ];

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'maft-society-debate-'));
    // Small random adapters shaped for the shipped model, one per agent and role.
    const shapes = (await readBaseShapes(model)).shapes;
    for (const [index, name] of ['g0', 'c0', 'g1', 'c1'].entries()) {
      const weights = ['attn_output', 'ffn_down'].map((target, t) => {
        const [inputSize, outputSize] = shapes.get(`blk.0.${target}.weight`) as [number, number];
        return {
          target: `blk.0.${target}.weight`,
          inputSize,
          outputSize,
          rank: 2,
          a: randomFloats(index * 10 + t, inputSize * 2, 0.05),
          b: randomFloats(index * 10 + t + 5, 2 * outputSize, 0.05),
        };
      });
      await writeGgufFile(
        path.join(directory, `${name}.gguf`),
        describeLoraAdapter({ architecture: 'llama', alpha: 2, weights }),
      );
    }
    await writeGgufFile(path.join(directory, 'foreign.gguf'), tinyAdapter());
    writeFileSync(
      config(),
      [
        'task: { name: arithmetic, options: { max: 9 } }',
        'split: { finetuneCount: 4, evalCount: 6 }',
        'sampling: { maxTokens: 128 }',
        'methods: [base, majority, debate]',
        'problemConcurrency: 1',
        `backend: { kind: llama-server, model: ${JSON.stringify(model)}, threads: 1 }`,
      ].join('\n'),
    );
    writeFileSync(
      path.join(directory, 'society.yaml'),
      'agent-0: { generator: g0.gguf, critic: c0.gguf }\nagent-1: { generator: g1.gguf, critic: c1.gguf }\n',
    );
    writeFileSync(path.join(directory, 'foreign.yaml'), 'agent-0: { generator: g0.gguf, critic: foreign.gguf }\n');
    writeFileSync(path.join(directory, 'bad.yaml'), 'agent-0: { generator: g0.gguf }\n0: { critic: c0.gguf }\n');
  });
  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('each agent and role answers with its own adapter; a kill -9 leaves no server and the stage resumes', async () => {
    const crashed = await maft(args('run', 'society.yaml'), { MAFT_CRASH_AT: 'base/eval:record-3' });
    expect(crashed.status, crashed.stderr).not.toBe(0);
    const log = path.join(directory, 'run', 'records', 'base', 'eval.jsonl');
    const before = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(before).toHaveLength(3);
    // The guardian kills the server within ~200 ms of maft's death (bounded wait: a guard against a hang).
    const deadline = Date.now() + 60_000;
    while (serversWith(directory).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serversWith(directory)).toEqual([]);

    const resumed = await maft(args('run', 'society.yaml'));
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(after.slice(0, 3)).toEqual(before);
    const debates = after.map((line) => JSON.parse(line) as DebateTranscript);
    expect(new Set(debates.map((debate) => debate.problemId)).size).toBe(6);
    const base = `llama-server:${model}`;
    for (const debate of debates) {
      for (const agent of debate.agents) {
        for (const turn of agent.turns) {
          const file = path.join(directory, `${turn.role === 'generator' ? 'g' : 'c'}${agent.agent}.gguf`);
          expect(turn.response.modelId).toBe(`${base}+${file}`);
          if (turn.summary !== undefined) expect(turn.summary.modelId).toBe(base);
        }
      }
    }
    expect(serversWith(directory)).toEqual([]);
  });

  it('refuses a bad society file and a foreign adapter in one line, with no run directory', async () => {
    const bad = await maft(args('bad', 'bad.yaml'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(
      `maft: error [CONFIG_INVALID]: ${path.join(directory, 'bad.yaml')}:2: 0: agent 0 is given twice`,
    );
    const foreign = await maft(args('foreign', 'foreign.yaml'));
    expect(foreign.status).toBe(2);
    expect(foreign.stderr.trim().split('\n')).toHaveLength(1);
    expect(foreign.stderr).toMatch(/foreign\.gguf: .*made for another base model than .*arithmetic-base\.gguf/);
    expect(existsSync(path.join(directory, 'bad'))).toBe(false);
    expect(existsSync(path.join(directory, 'foreign'))).toBe(false);
  });
});
