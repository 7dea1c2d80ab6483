import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun } from '../../src/run-store/open-run.js';
import { readRun } from '../../src/run-store/read-run.js';
import { caught } from '../tasks/expect-error.js';
import { temporaryDirectory } from './temporary-directory.js';

const root = temporaryDirectory('open-run');
let counter = 0;
const freshRun = (): string => path.join(root, `run-${++counter}`);
const config = { task: 'gsm8k', agents: 3, rounds: 2, sampling: { temperature: 1, topP: 0.9 } };
const options = {
  command: ['maft', 'run', 'x.yaml'],
  maftVersion: '9.9.9',
  now: () => new Date('2025-01-02T03:04:05Z'),
};

describe('openRun', () => {
  it('creates the directory with config, manifest and lock, and releases the lock on close', () => {
    const directory = freshRun();
    const run = openRun(directory, config, options);
    expect(run.created).toBe(true);
    expect(JSON.parse(readFileSync(path.join(directory, 'config.json'), 'utf8'))).toEqual(config);
    const manifest = JSON.parse(readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 1,
      maftVersion: '9.9.9',
      nodeVersion: process.version,
      createdAt: '2025-01-02T03:04:05.000Z',
      command: options.command,
      stages: {},
      sessions: [{ pid: process.pid }],
    });
    expect(JSON.parse(readFileSync(path.join(directory, 'lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    run.close();
    expect(existsSync(path.join(directory, 'lock'))).toBe(false);
  });

  it('resumes with an equal config (any key order) and keeps stage markers and records', () => {
    const directory = freshRun();
    const first = openRun(directory, config, options);
    first.markStage('iteration-1/debate', 'running', { problems: 10 });
    first.log<{ id: string }>('iteration-1/debate', { keyOf: (record) => record.id }).append({ id: 'p1' });
    first.close();
    const reordered = {
      sampling: { topP: 0.9, temperature: 1 },
      rounds: 2,
      agents: 3,
      task: 'gsm8k',
      unset: undefined,
    };
    const second = openRun(directory, reordered, { ...options, maftVersion: undefined });
    expect(second.created).toBe(false);
    expect(second.stageState('iteration-1/debate')).toBe('running');
    expect(second.stageState('iteration-1/vote')).toBe('pending');
    expect(second.log<{ id: string }>('iteration-1/debate', { keyOf: (record) => record.id }).has('p1')).toBe(true);
    second.markStage('iteration-1/debate', 'done');
    expect(second.manifest.stages['iteration-1/debate']).toMatchObject({ state: 'done', details: { problems: 10 } });
    expect(second.manifest.sessions).toHaveLength(2);
    expect(second.manifest.sessions[1]?.maftVersion).toMatch(/^\d+\.\d+\.\d+/);
    second.close();
    const stored = JSON.parse(readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
    expect(stored.stages['iteration-1/debate'].finishedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('refuses a changed config, naming what differs, and leaves the run unlocked', async () => {
    const directory = freshRun();
    openRun(directory, config, options).close();
    const changed = { ...config, agents: 5, sampling: { temperature: 0.7, topP: 0.9 } };
    const error = await caught(() => openRun(directory, changed, options));
    expect(error.code).toBe('RUN_CONFIG_CHANGED');
    expect(error.message).toContain(
      'different config: agents: 3 → 5; sampling.temperature: 1 → 0.7; use a new run directory',
    );
    expect(error.location.file).toBe(path.join(directory, 'config.json'));
    expect(existsSync(path.join(directory, 'lock'))).toBe(false);
  });

  it('resumes when only a session setting differs (kept as stored), and still refuses any other change', async () => {
    const directory = freshRun();
    const session = { ...options, sessionSettings: ['methodChains'] };
    openRun(directory, { ...config, methodChains: 'parallel' }, session).close();
    const resumed = openRun(directory, { ...config, methodChains: 'sequential' }, session);
    expect(resumed.created).toBe(false);
    expect(resumed.config).toMatchObject({ methodChains: 'parallel' }); // the stored config is not rewritten
    resumed.close();
    openRun(directory, config, session).close(); // absent: the command's own default
    const error = await caught(() => openRun(directory, { ...config, agents: 4, methodChains: 'sequential' }, session));
    expect(error.code).toBe('RUN_CONFIG_CHANGED');
    expect(error.message).toContain('different config: agents: 3 → 4; use a new run directory');
    // Without the option, the same key is an ordinary part of the config.
    const strict = await caught(() => openRun(directory, { ...config, methodChains: 'sequential' }, options));
    expect(strict.code).toBe('RUN_CONFIG_CHANGED');
  });

  it('extends a run when an extendable setting is raised: manifest records it, config.json and stamps stay', async () => {
    const directory = freshRun();
    const extendable = { ...options, extendable: ['iterations'] };
    const first = openRun(directory, { ...config, iterations: 3 }, extendable);
    const fingerprint = first.fingerprint;
    first.log<{ id: string }>('iteration-1/debate', { keyOf: (record) => record.id }).append({ id: 'p1' });
    first.close();
    const stored = readFileSync(path.join(directory, 'config.json'), 'utf8');
    const lines: string[] = [];
    const raised = openRun(
      directory,
      { ...config, iterations: 5 },
      { ...extendable, notify: (line) => lines.push(line) },
    );
    expect(raised.config).toMatchObject({ iterations: 5 });
    expect(raised.fingerprint).toBe(fingerprint); // records already written stay the run's
    expect(raised.log<{ id: string }>('iteration-1/debate', { keyOf: (record) => record.id }).has('p1')).toBe(true);
    expect(raised.manifest.format).toBe(2); // a maft that reads only format 1 refuses it rather than misread L
    expect(raised.manifest.extensions).toEqual([
      { path: 'iterations', from: 3, to: 5, at: '2025-01-02T03:04:05.000Z', command: options.command },
    ]);
    expect(lines).toEqual([expect.stringContaining('run extended: iterations: 3 → 5 (recorded in manifest.json')]);
    raised.close();
    expect(readFileSync(path.join(directory, 'config.json'), 'utf8')).toBe(stored);
    expect(readRun(directory).config).toMatchObject({ iterations: 5 });

    // The same value again resumes without a second extension; a lower one (the first config) is refused.
    const again = openRun(directory, { ...config, iterations: 5 }, extendable);
    expect(again.manifest.extensions).toHaveLength(1);
    again.close();
    const lowered = await caught(() => openRun(directory, { ...config, iterations: 3 }, extendable));
    expect(lowered.code).toBe('RUN_CONFIG_CHANGED');
    expect(lowered.message).toContain('iterations: 5 → 3; use a new run directory');
    expect(lowered.message).toContain('(iterations may be raised on a resume, never lowered)');
    // A raise beside another change is a different config, and leaves the manifest as it was.
    const manifest = readFileSync(path.join(directory, 'manifest.json'), 'utf8');
    const mixed = await caught(() => openRun(directory, { ...config, agents: 4, iterations: 6 }, extendable));
    expect(mixed.message).toContain('different config: agents: 3 → 4; use');
    expect(readFileSync(path.join(directory, 'manifest.json'), 'utf8')).toBe(manifest);
    // Without the option, iterations is an ordinary part of the config.
    expect((await caught(() => openRun(directory, { ...config, iterations: 6 }, options))).message).toContain(
      'different config: iterations: 5 → 6',
    );
  });

  it('refuses a manifest whose extensions are not what maft writes', async () => {
    const directory = freshRun();
    openRun(directory, config, options).close();
    const file = path.join(directory, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    for (const extensions of [{}, [{ path: 'iterations', from: 5, to: 3, at: 'x', command: [] }], [{ path: '../x' }]]) {
      writeFileSync(file, JSON.stringify({ ...manifest, extensions }));
      const error = await caught(() => readRun(directory));
      expect(error.code).toBe('RUN_CORRUPT');
      expect(error.message).toContain('extensions: expected a list of {path, from, to, at, command}');
    }
  });

  it('takes a setting maft gained since the run was created at its default, unless the command wrote it', async () => {
    const directory = freshRun();
    openRun(directory, config, options).close();
    const before = readFileSync(path.join(directory, 'config.json'), 'utf8');
    const gained = { ...config, diversity: { problems: 8 }, sampling: { ...config.sampling, maxTokens: 256 } };
    const lines: string[] = [];
    const unwritten = (setting: string) => setting === 'diversity' || setting === 'sampling.maxTokens';
    const resumed = openRun(directory, gained, { ...options, unwritten, notify: (line) => lines.push(line) });
    expect(resumed.created).toBe(false);
    expect(resumed.config).toEqual(config); // as stored: its records carry that config's fingerprint
    resumed.close();
    expect(lines).toEqual([
      `maft: ${path.join(directory, 'config.json')}: settings maft gained since this run was created take their ` +
        'defaults: diversity: (absent) → {"problems":8}; sampling.maxTokens: (absent) → 256',
    ]);
    expect(readFileSync(path.join(directory, 'config.json'), 'utf8')).toBe(before);
    // Written by the command: a change like any other, and only the real changes are named.
    const written = (setting: string) => setting === 'diversity';
    const error = await caught(() => openRun(directory, { ...gained, agents: 4 }, { ...options, unwritten: written }));
    expect(error.code).toBe('RUN_CONFIG_CHANGED');
    expect(error.message).toContain('different config: agents: 3 → 4; sampling.maxTokens: (absent) → 256; use');
    // A key the stored config has is never "gained", whatever the command wrote.
    const changed = await caught(() =>
      openRun(directory, { ...config, rounds: 3 }, { ...options, unwritten: () => true }),
    );
    expect(changed.message).toContain('different config: rounds: 2 → 3; use');
  });

  it('refuses secrets before writing anything', async () => {
    const directory = freshRun();
    const error = await caught(() => openRun(directory, { ...config, backend: { apiKey: 'sk-live' } }, options));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('backend.apiKey');
    expect(existsSync(directory)).toBe(false);
  });

  it('refuses a non-empty directory that is not a run, but accepts an empty one', async () => {
    const directory = freshRun();
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'notes.txt'), 'mine');
    const error = await caught(() => openRun(directory, config, options));
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain('not a maft run (no config.json) and not empty (notes.txt)');
    const empty = freshRun();
    mkdirSync(empty);
    openRun(empty, config, options).close();
  });

  it('finishes a creation killed between config and manifest', () => {
    const directory = freshRun();
    openRun(directory, config, options).close();
    writeFileSync(path.join(directory, 'manifest.json.tmp-1-1'), '{"half');
    rmSync(path.join(directory, 'manifest.json'));
    const run = openRun(directory, config, options);
    expect(run.manifest.sessions).toHaveLength(1);
    expect(existsSync(path.join(directory, 'manifest.json.tmp-1-1'))).toBe(false);
    run.close();
  });

  it('refuses a second opening while the first holds the lock', async () => {
    const directory = freshRun();
    const run = openRun(directory, config, options);
    expect((await caught(() => openRun(directory, config, options))).code).toBe('RUN_LOCKED');
    run.close();
    openRun(directory, config, options).close();
  });

  it('writes and reads artifacts atomically, inside the run only', async () => {
    const run = openRun(freshRun(), config, options);
    const file = run.writeArtifact('iteration-1/agent-0.generator.jsonl', '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(run.readArtifact('iteration-1/agent-0.generator.jsonl')).toBe('{"a":1}\n');
    expect(run.readArtifact('missing.json')).toBeUndefined();
    expect((await caught(() => run.writeArtifact('../escape', 'x'))).code).toBe('INTERNAL');
    expect((await caught(() => run.markStage('.hidden', 'done'))).code).toBe('INTERNAL');
    run.close();
  });
});
