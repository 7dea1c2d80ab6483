/**
 * `maft run` on the llama-server backend with the finetuning methods' chains side by side (methodChains: parallel)
 * against one stage at a time (sequential): the shipped arithmetic model on one managed llama-server (one slot),
 * multiagent FT and single-agent FT, two iterations, a few problems, the embedded trainer making the adapters.
 * Side by side, the two chains' societies are open on the same server at once (single-agent FT's one adapter,
 * multiagent FT's 2N), so the server restarts with the union of their adapters while the other chain's requests
 * wait; a request answered while its adapter is not loaded would be the base model's reply under the adapter's
 * id. The runs must end the same: every reply of every stage, every adapter byte for byte, the registry and scores.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../../../src/config/resolve-run-config.js';
import type { ModelRegistry } from '../../../src/finetune/model-registry.js';
import type { RunManifest } from '../../../src/run-store/manifest.js';
import type { DebateTranscript } from '../../../src/spec/debate.js';
import type { RunResults } from '../../../src/spec/run-results.js';
import { runInProcess } from '../../helpers/run-in-process.js';
import { temporaryDirectory } from '../../run-store/temporary-directory.js';
import { binary, suiteName } from './fixtures.js';
import { readGgufFiles } from '../../helpers/gguf-files.js';

const modes = ['sequential', 'parallel'] as const;
type Mode = (typeof modes)[number];

describe.skipIf(binary.path === undefined)(suiteName('methodChains on the llama-server backend'), () => {
  const directory = temporaryDirectory('method-chains-llama-server');
  const configFile = (mode: Mode) => path.join(directory, `${mode}.yaml`);
  const runDirectory = (mode: Mode) => path.join(directory, `run-${mode}`);
  const artifact = (mode: Mode, name: string) => path.join(runDirectory(mode), 'artifacts', name);
  const results = (mode: Mode) => JSON.parse(readFileSync(artifact(mode, 'results.json'), 'utf8')) as RunResults;
  const manifest = (mode: Mode) =>
    JSON.parse(readFileSync(path.join(runDirectory(mode), 'manifest.json'), 'utf8')) as RunManifest;
  /** The registry's entries without what differs between any two runs (times, throughput). */
  const registry = (mode: Mode) =>
    (JSON.parse(readFileSync(artifact(mode, 'models/registry.json'), 'utf8')) as ModelRegistry).entries.map(
      ({ updatedAt: _at, result, ...entry }) => ({ ...entry, steps: result?.steps, finalLoss: result?.finalLoss }),
    );
  const scores = (value: RunResults) => value.scores.map(({ modelSeconds: _seconds, ...rest }) => rest);
  /** Every adapter of a run, by its path under artifacts/models. */
  function adapters(mode: Mode): Map<string, Buffer> {
    return readGgufFiles(artifact(mode, 'models'));
  }
  /** A debate stage's replies, problem by problem: each agent's turns (which model answered, and the text). */
  const replies = (mode: Mode, stage: string) =>
    readFileSync(path.join(runDirectory(mode), 'records', `${stage}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DebateTranscript)
      .map((debate) => ({
        problem: debate.problemId,
        turns: debate.agents.map((agent) =>
          agent.turns.map((turn) => ({
            model: turn.response.modelId,
            text: turn.response.text,
            summary: turn.summary?.text,
          })),
        ),
      }))
      .sort((a, b) => a.problem.localeCompare(b.problem));

  it('parallel ends with the same replies, adapters, registry and scores as sequential', async () => {
    for (const mode of modes) {
      writeFileSync(
        configFile(mode),
        [
          'task: { name: arithmetic, options: { max: 9 } }',
          'split: { finetuneCount: 3, evalCount: 3 }',
          'society: { agents: 2, rounds: 2 }',
          'methods: [base, multiagent-ft, single-agent-ft]',
          'iterations: 2',
          'sampling: { maxTokens: 160 }',
          // One slot and one request at a time: every reply decoded alone, so the runs can be compared reply by reply.
          `backend: { kind: llama-server, model: ${JSON.stringify(shippedBaseModel)}, binary: ${JSON.stringify(binary.path)}, threads: 1, parallel: 1, contextSize: 1024 }`,
          'problemConcurrency: 1',
          'trainer: { kind: embedded, epochs: 1, windowLength: 512, parallelJobs: 1 }',
          'diversity: { problems: 0 }',
          'reportSamples: 1',
          `methodChains: ${mode}`,
          '',
        ].join('\n'),
      );
      const made = await runInProcess(['run', configFile(mode), '--run', runDirectory(mode)]);
      expect(made.status, made.stderr.slice(-2000)).toBe(0);
    }
    // Sequential: all of multiagent FT's iteration 1 before single-agent FT's; parallel: the chains interleave.
    const order = (mode: Mode) => Object.keys(manifest(mode).stages);
    expect(order('sequential').indexOf('single-agent-ft/iteration-1/data')).toBeGreaterThan(
      order('sequential').indexOf('multiagent-ft/iteration-1/eval'),
    );
    expect(order('parallel').indexOf('single-agent-ft/iteration-1/data')).toBeLessThan(
      order('parallel').indexOf('multiagent-ft/iteration-1/train'),
    );
    expect([...order('parallel')].sort()).toEqual([...order('sequential')].sort());

    // Every debate stage: the same replies from the same models, problem by problem.
    const debates = order('sequential').filter((id) => /(^base\/|\/)(eval|finetune)$/.test(id));
    expect(debates).toEqual(
      expect.arrayContaining(['multiagent-ft/iteration-1/eval', 'single-agent-ft/iteration-2/eval']),
    );
    for (const stage of debates) expect(replies('parallel', stage), stage).toEqual(replies('sequential', stage));
    // The finetuned societies really answered through their adapters (not the base model under another id).
    const models = new Set(
      replies('parallel', 'multiagent-ft/iteration-2/eval').flatMap((debate) =>
        debate.turns.flat().map((turn) => turn.model),
      ),
    );
    expect([...models].filter((id) => id.includes('+models/multiagent-ft/iteration-2/')).length).toBeGreaterThan(0);

    const entries = registry('parallel');
    expect(entries.filter((entry) => entry.status !== 'succeeded' && entry.status !== 'skipped')).toEqual([]);
    expect(new Set(entries.filter((entry) => entry.status === 'succeeded').map((entry) => entry.method))).toEqual(
      new Set(['multiagent-ft', 'single-agent-ft']),
    );
    expect(entries).toEqual(registry('sequential'));
    const made = adapters('parallel');
    expect([...made.keys()].sort()).toEqual([...adapters('sequential').keys()].sort());
    for (const [name, bytes] of adapters('sequential')) expect(made.get(name)?.equals(bytes), name).toBe(true);
    expect(scores(results('parallel'))).toEqual(scores(results('sequential')));
    expect(results('parallel').progress).toMatchObject({ finished: true });
  });
});
