/**
 * Kill -9 a real `maft debate` run (embedded engine, tiny model) at several moments, restart it with the same
 * command each time, and compare the final records with an uninterrupted run of the same seeds: nothing lost,
 * nothing duplicated, every transcript identical.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { createRandom } from '../../src/util/random.js';
import { cliCommand, runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('kill');
let model: string;

beforeAll(async () => {
  model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 5 }));
});

const args = (run: string) => [
  'debate',
  '--task',
  'arithmetic',
  '--eval-count',
  '8',
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
  '16',
  '--context-size',
  '512',
  '--problem-concurrency',
  '2',
];

/** Records keyed by problem id, timings removed (they are the one thing a rerun may change). */
function recordsById(run: string): { ids: string[]; byId: Map<string, unknown> } {
  const lines = readFileSync(path.join(run, 'records', 'base', 'eval.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const transcripts = lines.map(
    (line) => JSON.parse(line, (key, value: unknown) => (key === 'durationMs' ? 0 : value)) as DebateTranscript,
  );
  return {
    ids: transcripts.map((transcript) => transcript.problemId),
    byId: new Map(transcripts.map((transcript) => [transcript.problemId, transcript])),
  };
}

/** Start the debate and SIGKILL it after `afterMs`; resolves with its exit (null status when killed). */
function runAndKill(run: string, afterMs: number): Promise<number | null> {
  const [executable, ...prefix] = cliCommand();
  const child = spawn(executable as string, [...prefix, ...args(run)], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('kill -9 and resume', () => {
  it('ends with the same records as an uninterrupted run, none lost or duplicated', async () => {
    const reference = path.join(directory, 'reference');
    expect(runCli(args(reference)).status).toBe(0);
    const expected = recordsById(reference);
    expect(expected.ids).toHaveLength(8);

    const interrupted = path.join(directory, 'interrupted');
    const random = createRandom(2026);
    let kills = 0;
    for (let attempt = 0; attempt < 12; attempt++) {
      // Start-up (tsx, llama.cpp, model load) takes about a second; kill anywhere from before it ends to mid-run.
      const code = await runAndKill(interrupted, 600 + random.integer(0, 2400));
      if (code === 0) break;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    const final = runCli(args(interrupted));
    expect(final.status, final.stderr).toBe(0);
    const actual = recordsById(interrupted);
    expect(new Set(actual.ids).size).toBe(actual.ids.length);
    expect([...actual.byId.keys()].sort()).toEqual([...expected.byId.keys()].sort());
    for (const [id, transcript] of expected.byId) expect(actual.byId.get(id), id).toEqual(transcript);
  });
});
