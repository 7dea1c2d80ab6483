/**
 * Raising L on a finished run (`maft run --iterations 2` on a run of 1) extends it instead of starting over: the
 * run does only the new iteration's stages and ends byte for byte where a run made with L = 2 from the start
 * ends (every adapter, every score), config.json keeps its bytes (its fingerprint stamps the records), the
 * manifest records the extension, and `maft status` and the results read the run's new L. The run's first
 * config, which now asks for fewer iterations than the run holds, is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../src/run-store/manifest.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { readGgufFiles } from '../helpers/gguf-files.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { tinyRunConfig } from '../helpers/tiny-run-config.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('extend-run');
const configFile = path.join(directory, 'run.yaml');
const extended = path.join(directory, 'extended');
const whole = path.join(directory, 'whole');
const results = (run: string) =>
  JSON.parse(readFileSync(path.join(run, 'artifacts', 'results.json'), 'utf8')) as RunResults;
const scores = (value: RunResults) => value.scores.map(({ modelSeconds: _seconds, ...rest }) => rest);
const manifest = (run: string) => JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as RunManifest;

beforeAll(() => {
  writeFileSync(configFile, tinyRunConfig({ society: '{ agents: 2, rounds: 2 }' }));
});

describe('raising iterations on a finished run', () => {
  it('extends it to where a run made with that L ends, config.json and the records untouched', async () => {
    const first = await runInProcess(['run', configFile, '--run', extended]);
    expect(first.status, first.stderr.slice(-2000)).toBe(0);
    expect(results(extended).iterations).toBe(1);
    const stored = readFileSync(path.join(extended, 'config.json'), 'utf8');
    const records = readFileSync(path.join(extended, 'records', 'multiagent-ft', 'iteration-1', 'eval.jsonl'));
    const stagesBefore = manifest(extended).stages;

    const raised = await runInProcess(['run', configFile, '--run', extended, '--iterations', '2']);
    expect(raised.status, raised.stderr.slice(-2000)).toBe(0);
    expect(raised.stderr).toContain('run extended: iterations: 1 → 2');
    expect(readFileSync(path.join(extended, 'config.json'), 'utf8')).toBe(stored);
    expect(readFileSync(path.join(extended, 'records', 'multiagent-ft', 'iteration-1', 'eval.jsonl'))).toEqual(records);
    const after = manifest(extended);
    expect(after.extensions).toMatchObject([{ path: 'iterations', from: 1, to: 2 }]);
    // Only iteration 2's stages ran: every earlier stage kept its marker (done once, never redone).
    for (const [stage, marker] of Object.entries(stagesBefore)) expect(after.stages[stage], stage).toEqual(marker);
    expect(Object.keys(after.stages).filter((stage) => stagesBefore[stage] === undefined)).toEqual([
      'multiagent-ft/iteration-2/finetune',
      'multiagent-ft/iteration-2/data',
      'multiagent-ft/iteration-2/train',
      'multiagent-ft/iteration-2/eval',
    ]);

    const made = await runInProcess(['run', configFile, '--run', whole, '--iterations', '2']);
    expect(made.status, made.stderr.slice(-2000)).toBe(0);
    expect(results(extended).iterations).toBe(2);
    expect(scores(results(extended))).toEqual(scores(results(whole)));
    const adapters = readGgufFiles(path.join(extended, 'artifacts', 'models'));
    const wholeAdapters = readGgufFiles(path.join(whole, 'artifacts', 'models'));
    expect([...adapters.keys()].sort()).toEqual([...wholeAdapters.keys()].sort());
    expect([...adapters.keys()].some((name) => name.includes('iteration-2'))).toBe(true);
    for (const [name, bytes] of wholeAdapters) expect(adapters.get(name)?.equals(bytes), name).toBe(true);
  });

  it('is read with its new L by status, and refuses the first config (fewer iterations than the run holds)', async () => {
    const status = await runInProcess(['status', extended, '--json']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain('multiagent-ft/iteration-2/eval');
    expect(JSON.parse(status.stdout).extensions).toMatchObject([{ path: 'iterations', from: 1, to: 2 }]);
    const shown = await runInProcess(['status', extended]);
    expect(shown.stdout).toMatch(/2 iterations \(iterations raised 1 → 2 on \d{4}-\d\d-\d\d\)/);
    const lowered = await runInProcess(['run', configFile, '--run', extended]);
    expect(lowered.status).toBe(2);
    expect(lowered.stderr).toMatch(/RUN_CONFIG_CHANGED.*iterations: 2 → 1; .*may be raised on a resume, never lowered/);
    // Stage commands read the run's config, extended: iteration 2 is the run's.
    const data = await runInProcess([
      'build-data',
      extended,
      '--method',
      'multiagent-ft',
      '--iteration',
      '2',
      '--json',
    ]);
    expect(data.status, data.stderr.slice(-1000)).toBe(0);
  });
});
