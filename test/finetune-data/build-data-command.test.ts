/**
 * `maft build-data` on run directories built by hand (config.json and manifest through openRun, debate records
 * through run.log) with known transcripts, so every count is exact. Most cases call the command in process;
 * one goes through the real CLI to check the table, the registration and the one-line error.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBuildDataCommand } from '../../src/cli/commands/build-data.js';
import { debateConfigSchema } from '../../src/config/debate-config.js';
import { buildSocietyDatasets } from '../../src/finetune-data/society-datasets.js';
import { openRun } from '../../src/run-store/open-run.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';
import { fiveDebates } from './debate-fixtures.js';
import { openAiChatViolations, shareGptViolations, trlPromptCompletionViolations } from './format-rules.js';

const directory = temporaryDirectory('build-data');
const defaults = { w: String(2 / 3), iteration: '1', format: 'all', criticMix: 'w' };

/** A run whose `debate` stage holds `transcripts`, created as `maft debate` would (split, seed, stage marker). */
function handMadeRun(name: string, options: { split?: 'finetune' | 'eval'; stage?: 'running' | 'done'; seed?: number } = {}): string {
  const run = path.join(directory, name);
  const config = debateConfigSchema.parse({
    task: { name: 'arithmetic' },
    split: { name: options.split ?? 'finetune' },
    seed: options.seed ?? 5,
    backend: { kind: 'llama-cpp', model: 'tiny.gguf' },
  });
  const opened = openRun(run, config, { command: ['test'] });
  const log = opened.log<DebateTranscript>('debate', { keyOf: (transcript) => transcript.problemId });
  for (const transcript of fiveDebates()) log.append(transcript);
  opened.markStage('debate', options.stage ?? 'done');
  opened.close();
  return run;
}

const artifact = (run: string, name: string) => readFileSync(path.join(run, 'artifacts', 'data', name), 'utf8');
const jsonLines = (text: string) => text.trimEnd().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);

/** Run the command in this process, returning what it printed on stdout. */
function buildData(run: string, flags: Partial<typeof defaults> & { json?: boolean; allowPartial?: boolean; seed?: string } = {}): string {
  let printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((printed += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  runBuildDataCommand(run, { ...defaults, ...flags });
  vi.restoreAllMocks();
  return printed;
}

afterEach(() => vi.restoreAllMocks());

let run: string;
beforeAll(() => {
  run = handMadeRun('five');
});

describe('maft build-data on a hand-made run', () => {
  it('prints the counts table, notes the agents without data, and writes every file (real CLI)', () => {
    const result = runCli(['build-data', run]);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('maft: note:'))).toHaveLength(2);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('iteration 1, 5 problems, 3 agents, critic mix: w = 0.667, seed 5');
    expect(result.stdout).toMatch(/\n {2}0\s+2\s+2\s+2\s+3\n {2}1\s+4\s+0\s+3\s+0\n {2}2\s+0\s+2\s+0\s+1\n/);
    expect(result.stdout).toContain('wrote 33 files under artifacts/data/iteration-1/');

    // The rows equal the core's, with the run's own seed (5) drawing the critic mix.
    const expected = buildSocietyDatasets(fiveDebates(), { iteration: 1, correctedShare: 2 / 3, criticMix: 'w', seed: 5 });
    expect(jsonLines(artifact(run, 'iteration-1/rows/agent-0-critic.jsonl'))).toEqual(expected.agents[0]?.critic);
    expect(jsonLines(artifact(run, 'iteration-1/rows/majority.jsonl'))).toEqual(expected.pooled.majority);
    for (const name of ['agent-0-generator', 'agent-0-critic', 'single-agent', 'majority']) {
      expect(openAiChatViolations(artifact(run, `iteration-1/openai/${name}.jsonl`))).toEqual([]);
      expect(trlPromptCompletionViolations(artifact(run, `iteration-1/trl/${name}.jsonl`))).toEqual([]);
      expect(shareGptViolations(artifact(run, `iteration-1/sharegpt/${name}.json`))).toEqual([]);
    }
    const manifest = JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as { stages: Record<string, { state: string; details: unknown }> };
    expect(manifest.stages['iteration-1/finetune-data']).toMatchObject({ state: 'done', details: { source: 'debate', problems: 5, pooled: { singleAgent: 10, majority: 6 } } });
    expect(existsSync(path.join(run, 'lock'))).toBe(false);
  });

  it('prints one JSON object with --json, honouring --w, --seed, --format and --iteration', () => {
    const output = JSON.parse(buildData(run, { json: true, w: '0', seed: '3', format: 'trl', iteration: '1' })) as Record<string, unknown>;
    expect(output).toMatchObject({
      source: 'debate',
      settings: { iteration: 1, correctedShare: 0, criticMix: 'w', seed: 3 },
      formats: ['trl'],
      problems: 5,
      agents: [
        { agent: 0, generator: 2, corrected: 2, confirmed: 2, critic: 2 },
        { agent: 1, generator: 4, corrected: 0, confirmed: 3, critic: 3 },
        { agent: 2, generator: 0, corrected: 2, confirmed: 0, critic: 0 },
      ],
      pooled: { singleAgent: 11, majority: 6 },
      directory: 'artifacts/data/iteration-1',
    });
    expect((output.files as string[]).filter((name) => name.includes('/trl/'))).toHaveLength(8);
    expect((output.files as string[]).some((name) => name.includes('/openai/'))).toBe(false);
    const all = JSON.parse(buildData(run, { json: true, criticMix: 'all' })) as { agents: { critic: number }[] };
    expect(all.agents.map((agent) => agent.critic)).toEqual([4, 3, 2]);
  });

  it('reads iteration-<k>/debate records for --iteration k', () => {
    const staged = path.join(directory, 'staged');
    const config = debateConfigSchema.parse({ task: { name: 'arithmetic' }, split: { name: 'finetune' }, backend: { kind: 'llama-cpp', model: 'x.gguf' } });
    const opened = openRun(staged, config, { command: ['test'] });
    const log = opened.log<DebateTranscript>('iteration-2/debate', { keyOf: (transcript) => transcript.problemId });
    for (const transcript of fiveDebates().slice(0, 2)) log.append(transcript);
    opened.markStage('iteration-2/debate', 'done');
    opened.close();
    const output = JSON.parse(buildData(staged, { json: true, iteration: '2' })) as { source: string; problems: number };
    expect(output).toMatchObject({ source: 'iteration-2/debate', problems: 2 });
    expect(jsonLines(artifact(staged, 'iteration-2/rows/agent-1-generator.jsonl'))).toHaveLength(2);
  });
});

describe('maft build-data refuses what it cannot build from', () => {
  it('gives one error line for a run that debated the eval split (real CLI)', () => {
    const result = runCli(['build-data', handMadeRun('eval-split', { split: 'eval' })]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^maft: error \[INPUT_INVALID\]: .*eval split/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses bad flags, missing runs, unfinished debates and a run in use', () => {
    const running = handMadeRun('running', { stage: 'running' });
    const cases: [string, Parameters<typeof buildData>[1], RegExp][] = [
      [run, { w: '1.5' }, /--w must be a number in \[0, 1\]/],
      [run, { w: 'two thirds' }, /--w must be/],
      [run, { iteration: '0' }, /--iteration must be a whole number ≥ 1/],
      [run, { seed: '1.5' }, /--seed must be a whole number/],
      [run, { format: 'openai,csv' }, /unknown format "csv"/],
      [run, { criticMix: 'some' }, /--critic-mix must be w or all/],
      [run, { iteration: '2' }, /no debate records for iteration 2/],
      [path.join(directory, 'missing'), {}, /no such run directory/],
      [running, {}, /the debate stage is running, not done.*--allow-partial/],
    ];
    for (const [target, flags, message] of cases) expect(() => buildData(target, flags), String(message)).toThrow(message);
    expect(JSON.parse(buildData(running, { json: true, allowPartial: true }))).toMatchObject({ problems: 5 });

    const held = openRun(run, JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8')) as unknown, { command: ['holder'] });
    try {
      expect(() => buildData(run)).toThrow(/already open in this process/);
    } finally {
      held.close();
    }
  });
});
