/**
 * `maft build-data` on run directories built by hand (the run config and `base/finetune` records with known
 * transcripts), so every count is exact: the same stage `maft run` runs, on the same layout
 * (artifacts/data/<method>/iteration-<k>/), with the run's own finetune settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { buildDebateMethodData } from '../../src/finetune-data/method-data.js';
import { handMadeRun, onRunProblems } from '../helpers/hand-made-run.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';
import { fiveDebates } from './debate-fixtures.js';
import { openAiChatViolations, shareGptViolations, trlPromptCompletionViolations } from './format-rules.js';

const directory = temporaryDirectory('build-data');
let model: string;
let run: string;
const settings = (criticMix: 'w' | 'all') => ({
  seed: 5,
  methods: ['multiagent-ft', 'single-agent-ft'],
  iterations: 2,
  split: { finetuneCount: 5, evalCount: 3 },
  finetune: { criticMix },
  backend: { kind: 'llama-cpp', model: '', contextSize: 256 },
});
const config = (criticMix: 'w' | 'all') => ({
  ...settings(criticMix),
  backend: { ...settings(criticMix).backend, model },
});

beforeAll(async () => {
  model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 3 }));
  run = await handMadeRun(path.join(directory, 'five'), config('w'), fiveDebates());
});

const artifact = (name: string) => readFileSync(path.join(run, 'artifacts', 'data', name), 'utf8');
const jsonLines = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

describe('maft build-data on a hand-made run', () => {
  it("writes each method's rows, exports and sizes where maft run does, equal to the core's", async () => {
    const result = runCli(['build-data', run, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      stage: string;
      source: string;
      directory: string;
      sizes: unknown[];
      files: string[];
    };
    expect(output).toMatchObject({
      stage: 'multiagent-ft/iteration-1/data',
      source: 'base/finetune',
      directory: 'artifacts/data/multiagent-ft/iteration-1',
    });
    const expected = buildDebateMethodData('multiagent-ft', await onRunProblems(config('w'), fiveDebates()), {
      iteration: 1,
      correctedShare: 2 / 3,
      criticMix: 'w',
      seed: 5,
      critics: true,
    });
    expect(output.sizes).toEqual(expected.sizes);
    for (const dataset of expected.datasets) {
      expect(jsonLines(artifact(`multiagent-ft/iteration-1/rows/${dataset.name}.jsonl`))).toEqual(dataset.rows);
      expect(openAiChatViolations(artifact(`multiagent-ft/iteration-1/openai/${dataset.name}.jsonl`))).toEqual([]);
      expect(trlPromptCompletionViolations(artifact(`multiagent-ft/iteration-1/trl/${dataset.name}.jsonl`))).toEqual(
        [],
      );
      expect(shareGptViolations(artifact(`multiagent-ft/iteration-1/sharegpt/${dataset.name}.json`))).toEqual([]);
    }
    const table = runCli(['build-data', run, '--method', 'single-agent-ft']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain('single-agent-ft/iteration-1/data from base/finetune');
    const pooled = buildDebateMethodData('single-agent-ft', await onRunProblems(config('w'), fiveDebates()), {
      iteration: 1,
      correctedShare: 2 / 3,
      criticMix: 'w',
      seed: 5,
      critics: true,
    });
    expect(jsonLines(artifact('single-agent-ft/iteration-1/rows/single-agent.jsonl'))).toEqual(
      pooled.datasets[0]?.rows,
    );
    const manifest = JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as {
      stages: Record<string, { state: string }>;
    };
    expect(manifest.stages['multiagent-ft/iteration-1/data']?.state).toBe('done');
    expect(manifest.stages['single-agent-ft/iteration-1/data']?.state).toBe('done');
    expect(existsSync(path.join(run, 'lock'))).toBe(false);
  });

  it("takes the critic mix from the run's config", async () => {
    const all = await handMadeRun(path.join(directory, 'all'), config('all'), fiveDebates());
    const output = JSON.parse(runCli(['build-data', all, '--json']).stdout) as { sizes: { critic: number }[] };
    expect(output.sizes.map((size) => size.critic)).toEqual([4, 3, 2]);
  });
});

describe('maft build-data refuses what it cannot build from', () => {
  it('gives one error line for unfinished or missing records, a bad iteration or method, and no run', async () => {
    const running = await handMadeRun(path.join(directory, 'running'), config('w'), fiveDebates(), 'running');
    const cases: [string[], RegExp][] = [
      [['build-data', running], /stage base\/finetune is running, not done: run maft debate --split finetune/],
      // iteration 2 learns from the iteration-1 models' debate, which nothing has run yet (this used to look
      // for records nothing writes)
      [
        ['build-data', run, '--iteration', '2'],
        /stage multiagent-ft\/iteration-2\/finetune is pending, not done: run maft debate --split finetune --method multiagent-ft --iteration 2/,
      ],
      [
        ['build-data', run, '--iteration', '3'],
        /--iteration: expected a whole number from 1 to the run's 2 iterations/,
      ],
      [['build-data', run, '--method', 'star'], /"star" is not a finetuning method of this run/],
      [['build-data', path.join(directory, 'missing')], /no such run directory/],
    ];
    for (const [args, message] of cases) {
      const result = runCli(args);
      expect(result.status, result.stderr).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
