/**
 * The parts of `maft run --reuse` that decide soundness, on real files: another run's cache read read-only and
 * kept for the base model alone (an adapter's reply is never handed out), each line's key checked against its
 * request; the base model's fingerprint; and the rules on the two runs' configs (docs/reuse.md). The whole
 * command is tested end to end in test/pipeline/reuse-run.test.ts.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reuseProblems, type ReuseSide } from '../../src/config/reuse-rules.js';
import { runConfigSchema } from '../../src/config/run-config.js';
import { readBaseModelRecord, recordBaseModel } from '../../src/run-store/base-model-record.js';
import { BorrowedReplies } from '../../src/run-store/borrowed-replies.js';
import { runLayout } from '../../src/run-store/layout.js';
import { RequestCache, type CacheableRequest } from '../../src/run-store/request-cache.js';
import { fingerprintFile, type FileFingerprint } from '../../src/util/file-fingerprint.js';
import { temporaryDirectory } from './temporary-directory.js';

const directory = temporaryDirectory('reuse');
const base = 'llama-cpp:/models/base.gguf';
const ask = (modelId: string, seed: number): CacheableRequest => ({
  modelId,
  messages: [{ role: 'user', content: 'What is 2+3?' }],
  sampling: { temperature: 1, topP: 0.9, maxTokens: 64, seed },
  sampleIndex: 0,
});

function sourceRun(name: string): string {
  const run = path.join(directory, name);
  const cache = RequestCache.open<{ text: string }>(runLayout(run).requestCache);
  cache.put(ask(base, 1), { text: 'base says 5' });
  cache.put(ask(`${base}+models/multiagent-ft/iteration-1/agent-0-generator.gguf`, 1), { text: 'adapter says 6' });
  cache.put(ask(base, 2), { text: 'base, seed 2' });
  cache.close();
  return run;
}

describe('another run’s replies', () => {
  it('are kept for the base model only, and only for the very same request', async () => {
    const borrowed = await BorrowedReplies.load<{ text: string }>(sourceRun('plain'), base);
    expect(borrowed.size).toBe(2);
    expect(borrowed.get(ask(base, 1))).toEqual({ text: 'base says 5' });
    expect(borrowed.get(ask(base, 3))).toBeUndefined(); // another seed
    expect(borrowed.get({ ...ask(base, 1), sampling: { ...ask(base, 1).sampling, topP: 0.8 } })).toBeUndefined();
    // The same adapter path in this run is another model: never answered from that run.
    expect(borrowed.get(ask(`${base}+models/multiagent-ft/iteration-1/agent-0-generator.gguf`, 1))).toBeUndefined();
    expect(await BorrowedReplies.load(path.join(directory, 'no-cache-yet'), base).then((b) => b.size)).toBe(0);
  });

  it('tolerate a torn last line (the run may be writing), refuse a bad line mid-file and an edited key', async () => {
    const torn = sourceRun('torn');
    const file = runLayout(torn).requestCache;
    appendFileSync(file, '{"key":"abc","request":{"mod');
    expect((await BorrowedReplies.load(torn, base)).size).toBe(2);

    const damaged = sourceRun('damaged');
    const lines = readFileSync(runLayout(damaged).requestCache, 'utf8').split('\n');
    writeFileSync(runLayout(damaged).requestCache, [lines[0], 'not json', ...lines.slice(1)].join('\n'));
    await expect(BorrowedReplies.load(damaged, base)).rejects.toThrow(/invalid JSON.*not a torn write/);

    const edited = sourceRun('edited');
    const text = readFileSync(runLayout(edited).requestCache, 'utf8').replace('"seed":2', '"seed":9');
    writeFileSync(runLayout(edited).requestCache, text);
    await expect(BorrowedReplies.load(edited, base)).rejects.toMatchObject({
      code: 'RUN_CORRUPT',
      location: { line: 3 },
    });
  });
});

describe('the base model fingerprint', () => {
  it('is the sha256 of the bytes, recorded once per distinct file state, with the change reported', async () => {
    const model = path.join(directory, 'model.gguf');
    writeFileSync(model, 'weights v1');
    const first = await fingerprintFile(model);
    // sha256("weights v1"), as `printf 'weights v1' | sha256sum` gives it
    expect(first.sha256).toBe('13e35c44395f6cade670c076230362267c5288989d3498e207877d62b859a6d8');
    expect(first).toMatchObject({ file: model, bytes: 10 });
    const layout = runLayout(path.join(directory, 'fingerprinted'));
    expect(readBaseModelRecord(layout)).toBeUndefined();
    expect(recordBaseModel(layout, first)).toBeUndefined();
    expect(recordBaseModel(layout, first)).toBeUndefined();
    expect(readBaseModelRecord(layout)).toEqual([first]);
    // Unchanged size and time: the recorded hash is used, the file is not read again.
    expect(await fingerprintFile(model, [{ ...first, sha256: 'recorded' }])).toMatchObject({ sha256: 'recorded' });
    writeFileSync(model, 'weights v2');
    const second = await fingerprintFile(model, [first]);
    expect(second.sha256).not.toBe(first.sha256);
    expect(recordBaseModel(layout, second)).toEqual(first);
    expect(readBaseModelRecord(layout)).toEqual([first, second]);
  });
});

describe('the rules of reuse', () => {
  const config = (backend: Record<string, unknown> = {}) =>
    runConfigSchema.parse({
      task: { name: 'arithmetic' },
      backend: { kind: 'llama-cpp', model: '/models/base.gguf', threads: 1, contextSize: 1024, ...backend },
    });
  const print = (sha256: string): FileFingerprint => ({ file: '/models/base.gguf', sha256, bytes: 1, mtimeMs: 1 });
  const side = (sha256: string[] | undefined, backend?: Record<string, unknown>): ReuseSide => ({
    config: config(backend),
    fingerprints: sha256?.map(print),
  });

  it('allow the same model bytes and settings; another context count changes no reply', () => {
    expect(reuseProblems(side(['aa']), side(['aa']), 'runs/a')).toEqual([]);
    expect(reuseProblems(side(['aa'], { contexts: 1 }), side(['aa'], { contexts: 2 }), 'runs/a')).toEqual([]);
  });

  it('refuse other settings, other bytes at the same path, an unrecorded or changed model, and servers', () => {
    expect(reuseProblems(side(['aa'], { threads: 2 }), side(['aa']), 'runs/a')).toEqual([
      '--reuse runs/a: its backend differs (backend.threads: 2 → 1); a reply is reused only from the same model with the same settings',
    ]);
    // The same bytes at another path (another clone): the key names the path, so say that rather than "differs".
    expect(reuseProblems(side(['aa'], { model: '/elsewhere/base.gguf' }), side(['aa']), 'runs/a')).toEqual([
      `--reuse runs/a: its base model is this very file (sha256 aa…) at another path (backend.model: "/elsewhere/base.gguf" → "/models/base.gguf"); a request's cache key names the model by its path, so no reply could match — run this config where its model path is that run's (e.g. in the same clone)`,
    ]);
    expect(reuseProblems(side(['aa'], { model: '/elsewhere/base.gguf' }), side(['bb']), 'runs/a')).toHaveLength(2);
    expect(reuseProblems(side(['aa']), side(['bb']), 'runs/a')[0]).toMatch(
      /its base model is another file \(sha256 aa…/,
    );
    expect(reuseProblems(side(undefined), side(['aa']), 'runs/a')[0]).toMatch(/recorded no fingerprint/);
    expect(reuseProblems(side(['aa', 'bb']), side(['aa']), 'runs/a')[0]).toMatch(/changed during that run/);
    const server: ReuseSide = {
      config: runConfigSchema.parse({
        task: { name: 'arithmetic' },
        backend: { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'm' },
      }),
      fingerprints: undefined,
    };
    expect(reuseProblems(server, server, 'runs/a')[0]).toMatch(/only runs on the embedded llama-cpp backend/);
  });
});
