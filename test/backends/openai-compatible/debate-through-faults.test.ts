/**
 * A whole `maft debate` over HTTP through a server that misbehaves on demand (what a real server cannot be made
 * to do on cue): 429 with Retry-After, 500 and 503, a hang past the timeout, malformed JSON, dropped connections.
 * The run completes, and every problem has its full transcript exactly once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebateTranscript } from '../../../src/spec/debate.js';
import { startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { runCliAsync } from '../../helpers/run-cli.js';
import { testDirectory } from '../../run-store/temporary-directory.js';

let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer({
    script: [
      { kind: 'reply' }, // the reachability check before the run starts
      { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
      { kind: 'status', status: 500 },
      { kind: 'malformed-json' },
      { kind: 'drop' },
      { kind: 'hang' },
      { kind: 'status', status: 503, headers: { 'retry-after': '0' } },
      { kind: 'drop-mid-body' },
      { kind: 'reply', content: 'So \\boxed{12}.' },
      { kind: 'status', status: 502 },
      { kind: 'stall-body' },
    ],
    fallback: { kind: 'reply', content: 'The answer is \\boxed{12}.' },
  });
});

afterAll(async () => {
  await server?.close();
});

describe('maft debate through a faulty server', () => {
  it('completes and loses nothing', async () => {
    const run = path.join(testDirectory('faults'), 'run');
    const result = await runCliAsync([
      'debate',
      '--task',
      'arithmetic',
      '--eval-count',
      '4',
      '--agents',
      '3',
      '--rounds',
      '2',
      '--backend',
      'openai',
      '--base-url',
      server.baseURL,
      '--model',
      'faulty',
      '--run',
      run,
      '--timeout-ms',
      '1500',
      '--max-retries',
      '8',
      '--concurrency',
      '3',
      '--problem-concurrency',
      '2',
    ]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
    const transcripts = readFileSync(path.join(run, 'records', 'base', 'eval.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DebateTranscript);
    expect(new Set(transcripts.map((transcript) => transcript.problemId)).size).toBe(4);
    expect(transcripts).toHaveLength(4);
    for (const transcript of transcripts) {
      expect(transcript.agents.flatMap((agent) => agent.turns.map((turn) => turn.answer))).toEqual(Array(6).fill('12'));
      expect(transcript.votes[1]?.winner).toBe('12');
    }
    // The check, 36 answered calls (4 problems × 9), and one retry for each of the 9 faults.
    expect(server.requests.length).toBe(1 + 36 + 9);
  });
});
