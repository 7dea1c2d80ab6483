/**
 * `maft run --reuse <run>` end to end (shipped model, 1 thread, 8 + 3 problems, one iteration of multiagent FT):
 * a second run with the same config makes no new base-model request for the debates the first one made — both
 * base debates come whole from the first run's cache — and writes the same records; its adapters' replies are
 * all computed (an adapter of run B is never answered by run A's adapter at the same path). A run with another
 * seed or sampling reuses nothing, and a run whose model bytes or backend settings differ is refused before
 * its directory exists. The run that reused stands alone: it has every reply in its own cache. `maft debate --reuse`
 * does the same for one stage.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../src/run-store/manifest.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { tinyRunConfig } from '../helpers/tiny-run-config.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('reuse');
const at = (...parts: string[]) => path.join(directory, ...parts);
/** The tiny config with this test's split, sampling and trainer; `change` replaces a top-level line or adds one. */
const configText = (change: Record<string, string> = {}) =>
  tinyRunConfig({
    split: '{ finetuneCount: 8, evalCount: 3 }',
    methods: '[base, majority, debate, multiagent-ft]',
    sampling: '{ maxTokens: 96 }',
    trainer: '{ epochs: 1, windowLength: 512 }',
    reportSamples: '0',
    ...change,
  });

type Replies = { cached: number; reused: number; computed: number };
const manifest = (run: string) => JSON.parse(readFileSync(at(run, 'manifest.json'), 'utf8')) as RunManifest;
const replies = (run: string, stage: string) => manifest(run).stages[stage]?.details?.['replies'] as Replies;
const records = (run: string, stage: string) => readFileSync(at(run, 'records', `${stage}.jsonl`), 'utf8');
const results = (run: string) => JSON.parse(readFileSync(at(run, 'artifacts', 'results.json'), 'utf8')) as RunResults;
/** Everything but wall times and the write time. */
const numbers = ({ updatedAt: _at, scores, training, ...rest }: RunResults) => ({
  ...rest,
  scores: scores.map(({ modelSeconds: _seconds, ...score }) => score),
  training: training.map(({ seconds: _seconds, ...curve }) => curve),
});
/** A debate record's replies and votes, without call durations. */
const debated = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.stringify(JSON.parse(line), (key, value: unknown) => (/seconds|ms$/i.test(key) ? 0 : value)));

const maft = (...args: string[]) => runInProcess(args);

beforeAll(async () => {
  writeFileSync(at('tiny.yaml'), configText());
  const first = await maft('run', at('tiny.yaml'), '--run', at('A'));
  expect(first.status, first.stderr.slice(-1500)).toBe(0);
}, 1_800_000);

describe('maft run --reuse', () => {
  it('asks the base model nothing the first run asked, and writes the same records', async () => {
    const second = await maft('run', at('tiny.yaml'), '--run', at('B'), '--reuse', at('A'));
    expect(second.status, second.stderr.slice(-1500)).toBe(0);
    expect(second.stderr).toMatch(/--reuse .*A: \d+ base-model replies of that run can answer this one/);
    for (const stage of ['base/eval', 'base/finetune']) {
      const first = replies('A', stage);
      expect(first.computed).toBeGreaterThan(0);
      // Problems × (3 agents × 2 rounds + 3 summaries): every one of them came from run A.
      expect(replies('B', stage)).toEqual({ cached: 0, reused: first.computed, computed: 0 });
      expect(records('B', stage)).toBe(records('A', stage)); // byte for byte: same config, same stamps
    }
    // The finetuned society's trained agents are adapters: every one of their replies is computed, none reused
    // (run A's adapter at the same path is another model). Every other request of its debate is a base-model one
    // (an agent left untrained, the summaries) that run A made too: reused or already in B's own cache.
    const adapterCalls = (records('B', 'multiagent-ft/iteration-1/eval').match(/"modelId":"[^"]*\+models\//g) ?? [])
      .length;
    expect(adapterCalls).toBeGreaterThan(0);
    const adapted = replies('B', 'multiagent-ft/iteration-1/eval');
    expect(adapted.computed).toBe(adapterCalls);
    expect(adapted.computed + adapted.reused + adapted.cached).toBe(
      Object.values(replies('A', 'multiagent-ft/iteration-1/eval')).reduce((sum, count) => sum + count, 0),
    );
    expect(debated(records('B', 'multiagent-ft/iteration-1/eval'))).toEqual(
      debated(records('A', 'multiagent-ft/iteration-1/eval')),
    );
    expect(numbers(results('B'))).toEqual(numbers(results('A')));
    // The config (and so every record's producer stamp) does not name the other run; the manifest's command does.
    expect(readFileSync(at('B', 'config.json'), 'utf8')).toBe(readFileSync(at('A', 'config.json'), 'utf8'));
    expect(manifest('B').sessions[0]?.command).toContain('--reuse');
    // Self-contained: a resume without --reuse finds every reply in B's own cache.
    const resumed = await maft('debate', '--run', at('B'), '--split', 'finetune');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(readFileSync(at('B', 'cache', 'requests.jsonl'), 'utf8').split('\n').length).toBeGreaterThanOrEqual(
      replies('A', 'base/eval').computed + replies('A', 'base/finetune').computed,
    );
  });

  it('maft debate --reuse: one stage of a new run answered from the first run, the same records', async () => {
    const debate = await maft('debate', '--config', at('tiny.yaml'), '--run', at('C'), '--reuse', at('A'));
    expect(debate.status, debate.stderr.slice(-1500)).toBe(0);
    const first = replies('A', 'base/eval');
    expect(replies('C', 'base/eval')).toEqual({ cached: 0, reused: first.computed, computed: 0 });
    expect(records('C', 'base/eval')).toBe(records('A', 'base/eval'));
    expect(debate.stdout).toContain(`replies this session: ${first.computed} reused from ${at('A')}, 0 computed`);
  });

  it('reuses nothing for another seed or other sampling', async () => {
    const baseOnly = { methods: '[base, majority, debate]', iterations: '0' };
    for (const [name, change] of [
      ['seed', { seed: '1' }],
      ['sampling', { sampling: '{ maxTokens: 96, topP: 0.8 }' }],
    ] as const) {
      writeFileSync(at(`${name}.yaml`), configText({ ...baseOnly, ...change }));
      const run = await maft('run', at(`${name}.yaml`), '--run', at(name), '--reuse', at('A'));
      expect(run.status, run.stderr.slice(-1500)).toBe(0);
      expect(replies(name, 'base/eval')).toEqual({
        cached: 0,
        reused: 0,
        computed: replies('A', 'base/eval').computed,
      });
    }
  });

  it('refuses other backend settings or other model bytes, before the run directory exists', async () => {
    const threads = await maft('run', at('tiny.yaml'), '--run', at('threads'), '--reuse', at('A'), '--threads', '2');
    expect(threads.status).not.toBe(0);
    expect(threads.stderr).toMatch(
      /maft: error \[CONFIG_INVALID\]: --reuse .*A: its backend differs \(backend\.threads: 1 → 2\)/,
    );
    expect(existsSync(at('threads'))).toBe(false);

    // Run A's model retrained in place: the same path, other bytes (its recorded fingerprint says so).
    cpSync(at('A'), at('A-old-model'), { recursive: true });
    const record = at('A-old-model', 'cache', 'base-model.json');
    writeFileSync(
      record,
      readFileSync(record, 'utf8').replace(/"sha256": "[0-9a-f]+"/, `"sha256": "${'0'.repeat(64)}"`),
    );
    const other = await maft('run', at('tiny.yaml'), '--run', at('other-model'), '--reuse', at('A-old-model'));
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/its base model is another file \(sha256 000000000000…/);
    expect(existsSync(at('other-model'))).toBe(false);
  });
});
