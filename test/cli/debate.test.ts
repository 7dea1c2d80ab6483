/**
 * `maft debate` and `maft eval` (the stage commands on `maft run`'s layout: records/base/eval.jsonl) end to end on the embedded engine (node-llama-cpp) with a tiny random-weight
 * model maft writes itself: the answers are noise, but every stage is real — prompts, chat template, sampling,
 * seeds, votes, the run directory, resuming and evaluation.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('debate');
let model: string;

beforeAll(async () => {
  model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 11 }));
});

/** A loopback port nothing listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const base = (run: string, ...extra: string[]) => [
  'debate',
  '--task',
  'arithmetic',
  '--split',
  'eval',
  '--eval-count',
  '3',
  '--agents',
  '3',
  '--rounds',
  '2',
  '--model',
  model,
  '--run',
  run,
  '--threads',
  '1',
  '--max-tokens',
  '12',
  '--context-size',
  '512',
  '--problem-concurrency',
  '1',
  ...extra,
];

function records(run: string): DebateTranscript[] {
  return readFileSync(path.join(run, 'records', 'base', 'eval.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DebateTranscript);
}

describe('maft debate on the embedded engine', () => {
  it('debates 3 agents × 2 rounds with summaries, keeps every transcript, and eval scores it', () => {
    const run = path.join(directory, 'with-summary');
    const result = runCli(base(run));
    expect(result.stderr).not.toContain('error');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('accuracy');
    const transcripts = records(run);
    expect(transcripts).toHaveLength(3);
    for (const transcript of transcripts) {
      expect(transcript.agents).toHaveLength(3);
      expect(transcript.votes).toHaveLength(2);
      for (const agent of transcript.agents) {
        expect(agent.turns.map((turn) => turn.role)).toEqual(['generator', 'critic']);
        expect(agent.turns[1]?.summary?.usage.completionTokens).toBeGreaterThan(0);
        expect(agent.turns[0]?.response.usage.completionTokens).toBeGreaterThan(0);
        expect(agent.conversation).toHaveLength(4);
      }
    }
    const config = JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ society: { agents: 3, rounds: 2, summarize: true } });

    const evaluation = runCli(['eval', run, '--json']);
    expect(evaluation.status).toBe(0);
    const metrics = JSON.parse(evaluation.stdout) as Record<string, unknown>;
    expect(metrics).toMatchObject({ problems: 3, stage: 'base/eval' });
    for (const key of ['accuracy', 'standardError', 'noAnswerRate', 'unparsedReplyRate'])
      expect(typeof metrics[key]).toBe('number');
  });

  it("debates without summaries, showing the others' answers, and re-running is free and identical", () => {
    const run = path.join(directory, 'no-summary');
    expect(runCli(base(run, '--no-summarize')).status).toBe(0);
    const first = records(run);
    expect(first[0]?.agents[0]?.turns[1]?.summary).toBeUndefined();
    expect(first[0]?.agents[0]?.conversation[2]?.content).toContain("One agent's solution");
    // The same command on a finished run does no work and changes nothing.
    expect(runCli(base(run, '--no-summarize')).status).toBe(0);
    expect(records(run)).toEqual(first);
  });

  it('refuses to resume a run with a different config, naming what differs', () => {
    const run = path.join(directory, 'with-summary');
    const result = runCli(base(run, '--temperature', '0.5'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('sampling.temperature: 1 → 0.5');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('gives one clear line and no run directory for bad inputs', () => {
    const notGguf = path.join(directory, 'not-a-model.gguf');
    writeFileSync(notGguf, 'hello');
    const badConfig = path.join(directory, 'bad.yaml');
    writeFileSync(badConfig, 'sampling:\n  topP: high\n');
    const cases: [string[], RegExp][] = [
      [
        base(path.join(directory, 'bad-1')).map((arg) => (arg === model ? path.join(directory, 'missing.gguf') : arg)),
        /FILE_NOT_FOUND/,
      ],
      [base(path.join(directory, 'bad-2')).map((arg) => (arg === model ? notGguf : arg)), /not a GGUF/i],
      [[...base(path.join(directory, 'bad-3')), '--config', badConfig], /sampling\.topP/],
      [
        base(path.join(directory, 'bad-4')).map((arg) => (arg === 'arithmetic' ? 'chess' : arg)),
        /unknown task "chess"/,
      ],
      [base(path.join(directory, 'bad-5'), '--agents', '0'), /society\.agents/],
    ];
    for (const [args, pattern] of cases) {
      const result = runCli(args);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
    }
    for (const name of ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5'])
      expect(existsSync(path.join(directory, name))).toBe(false);
  });

  it('refuses an unreachable server in one line before creating the run', async () => {
    const port = await freePort();
    const run = path.join(directory, 'unreachable');
    const result = runCli([
      'debate',
      '--task',
      'arithmetic',
      '--eval-count',
      '2',
      '--backend',
      'openai',
      '--base-url',
      `http://127.0.0.1:${port}/v1`,
      '--model',
      'm',
      '--run',
      run,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^maft: error \[ENDPOINT_UNREACHABLE\]: .*ECONNREFUSED/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(run)).toBe(false);
  });
});
