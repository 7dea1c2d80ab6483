/**
 * A run made by an older maft, whose stored config lacks settings maft has since gained (here `diversity` and
 * `reportSamples`, whose records are stamped with that older config's fingerprint), resumes with the same
 * command: the gained settings take their defaults and one line says so; config.json keeps every byte. A config
 * that writes one of those settings is a different config, as before.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { openRun } from '../../src/run-store/open-run.js';
import { baseFinetuneStage } from '../../src/run-store/run-plan.js';
import type { DebateTranscript } from '../../src/spec/debate.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';
import { onRunProblems } from '../helpers/hand-made-run.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from './temporary-directory.js';

const directory = temporaryDirectory('settings-added-later');
const run = path.join(directory, 'older-run');
let settings: Record<string, unknown>;

beforeAll(async () => {
  const model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 3 }));
  settings = {
    task: { name: 'arithmetic', options: { max: 9 } },
    methods: ['multiagent-ft'],
    iterations: 1,
    split: { finetuneCount: 5, evalCount: 3 },
    backend: { kind: 'llama-cpp', model, contextSize: 256 },
  };
  const { config } = await resolveRunConfig(settings, 'test config');
  const { diversity: _diversity, reportSamples: _samples, ...older } = config;
  const opened = openRun(run, older, { command: ['test'] });
  const log = opened.log<DebateTranscript>(baseFinetuneStage, { keyOf: (transcript) => transcript.problemId });
  opened.markStage(baseFinetuneStage, 'running');
  for (const transcript of await onRunProblems(settings, fiveDebates())) log.append(transcript);
  opened.markStage(baseFinetuneStage, 'done');
  opened.close();
});

describe('a run created before settings maft has since gained', () => {
  it('resumes with its own config, the gained settings at their defaults, config.json untouched', () => {
    const stored = readFileSync(path.join(run, 'config.json'), 'utf8');
    expect(stored).not.toContain('diversity');
    const result = runCli(['build-data', run, '--json']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('settings maft gained since this run was created take their defaults: diversity:');
    expect(result.stderr).toContain('reportSamples: (absent) → 6');
    expect(JSON.parse(result.stdout)).toMatchObject({ stage: 'multiagent-ft/iteration-1/data' });
    expect(readFileSync(path.join(run, 'config.json'), 'utf8')).toBe(stored);
  });

  it('refuses a config file that writes a gained setting, naming only that one', () => {
    const file = path.join(directory, 'with-diversity.json');
    writeFileSync(file, JSON.stringify({ ...settings, diversity: { problems: 3 } }));
    const result = runCli(['run', file, '--run', run]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /RUN_CONFIG_CHANGED.*different config: diversity: \(absent\) → \{[^;]*"problems":3\}; use/,
    );
    expect(result.stderr).not.toContain('reportSamples');
  });
});
