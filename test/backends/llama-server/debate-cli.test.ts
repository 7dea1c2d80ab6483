/**
 * The `maft debate` spelling scripts rely on, with `--backend openai --base-url …` against a real llama-server
 * on loopback: the whole debate runs over HTTP, `maft eval --json` scores it, and the run resumes for free.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebateTranscript } from '../../../src/spec/debate.js';
import { runCliAsync } from '../../helpers/run-cli.js';
import { binary, modelAlias, serveTinyModel, suiteName, type Served } from './fixtures.js';

describe.skipIf(binary.path === undefined)(suiteName('maft debate over HTTP against llama-server'), () => {
  let served: Served;

  beforeAll(async () => {
    served = await serveTinyModel();
  });
  afterAll(async () => {
    await served?.close();
  });

  it('debates 3 agents × 2 rounds, evaluates, and resumes without new requests', async () => {
    const run = path.join(served.directory, 'run');
    const args = [
      'debate',
      '--task',
      'arithmetic',
      '--split',
      'eval',
      '--eval-count',
      '5',
      '--agents',
      '3',
      '--rounds',
      '2',
      '--backend',
      'openai',
      '--base-url',
      served.server.baseURL,
      '--model',
      modelAlias,
      '--run',
      run,
      '--max-tokens',
      '16',
      '--concurrency',
      '3',
    ];
    const first = await runCliAsync(args);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.status).toBe(0);
    const lines = readFileSync(path.join(run, 'records', 'base', 'eval.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const transcripts = lines.map((line) => JSON.parse(line) as DebateTranscript);
    expect(transcripts.map((transcript) => transcript.agents.length)).toEqual([3, 3, 3, 3, 3]);
    for (const transcript of transcripts) {
      expect(transcript.agents[0]?.turns[1]?.summary?.modelId).toContain(modelAlias);
    }
    const evaluation = await runCliAsync(['eval', run, '--json']);
    const metrics = JSON.parse(evaluation.stdout) as { problems: number; accuracy: number; noAnswerRate: number };
    expect(metrics.problems).toBe(5);
    // Every request is in the cache: a second run asks the server nothing and changes no record.
    const cacheLines = readFileSync(path.join(run, 'cache', 'requests.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(cacheLines).toHaveLength(5 * 9);
    const again = await runCliAsync(args);
    expect(again.status).toBe(0);
    expect(
      readFileSync(path.join(run, 'records', 'base', 'eval.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toEqual(lines);
  });
});
