/**
 * The command contract's ends: a non-zero exit (its last output line is the reason), an exit 0 that wrote
 * nothing, and a program that does not exist — each the job's recorded failure, the other jobs unaffected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { runDurableJobs } from '../../src/finetune/durable-jobs.js';
import { readRunRegistry } from '../../src/finetune/finetune-jobs.js';
import { openRun } from '../../src/run-store/open-run.js';
import { openTrainer } from '../../src/trainers/open-trainer.js';

const directory = mkdtempSync(path.join(tmpdir(), 'maft-command-failures-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const row = {
  prompt: [{ role: 'user' as const, content: 'What is 1+1?' }],
  completion: { role: 'assistant' as const, content: '\\boxed{2}' },
  metadata: {
    agent: 0,
    role: 'generator' as const,
    iteration: 1,
    problemId: 'p',
    sourceRound: 1,
    kind: 'generator' as const,
    answer: '2',
    majority: '2',
  },
};

async function trainWith(name: string, command: string[]) {
  const { config } = await resolveRunConfig(
    {
      task: { name: 'arithmetic', options: { max: 9 } },
      split: { finetuneCount: 4, evalCount: 4 },
      methods: ['single-agent-ft'],
      trainer: { kind: 'command', command },
    },
    'test config',
  );
  const run = openRun(path.join(directory, name), config, { command: ['test'], notify: () => {} });
  try {
    const opened = openTrainer(
      config as never,
      (artifact) => run.artifactPath(artifact),
      () => readRunRegistry(run),
    );
    return await runDurableJobs(
      run,
      [{ method: 'single-agent-ft', iteration: 1, agent: null, role: 'single', rows: [row] }],
      { ...opened, log: () => {} },
    );
  } finally {
    run.close();
  }
}

describe('the command trainer', () => {
  it('records a non-zero exit with the last output line', async () => {
    const outcome = await trainWith('exit', [
      process.execPath,
      '-e',
      'console.log("loading"); console.error("CUDA out of memory"); process.exit(3)',
    ]);
    expect(outcome.failed[0]?.reason).toMatch(/the command exited with code 3 \(last output: CUDA out of memory\)/);
  });

  it('records an exit 0 that wrote no output', async () => {
    const outcome = await trainWith('nothing', [process.execPath, '-e', 'process.exit(0)']);
    expect(outcome.failed[0]?.reason).toMatch(
      /the command exited 0 but wrote no .*models\/single-agent-ft\/iteration-1\/model\.gguf/,
    );
  });

  it('records a program that cannot start', async () => {
    const outcome = await trainWith('missing', ['/nonexistent/trainer']);
    expect(outcome.failed[0]?.reason).toMatch(
      /cannot start \/nonexistent\/trainer: spawn \/nonexistent\/trainer ENOENT/,
    );
  });

  it('passes the contract: data, base, output, hyperparameters', async () => {
    const check = [
      'const fs = require("fs");',
      'const rows = fs.readFileSync(process.env.MAFT_DATA, "utf8").trim().split("\\n").map(JSON.parse);',
      'const chat = fs.readFileSync(process.env.MAFT_DATA_CHAT, "utf8").trim().split("\\n").map(JSON.parse);',
      'if (rows.length !== 1 || chat[0].messages.at(-1).role !== "assistant") process.exit(5);',
      'if (!process.env.MAFT_BASE_MODEL.endsWith("arithmetic-base.gguf") || process.env.MAFT_INITIAL_ADAPTER !== "") process.exit(6);',
      'if (JSON.stringify(JSON.parse(process.env.MAFT_HYPERPARAMETERS)) !== "{}" || process.argv[1] !== process.env.MAFT_OUTPUT) process.exit(7);',
      'fs.writeFileSync(process.env.MAFT_OUTPUT, "gguf");',
    ].join('\n');
    const outcome = await trainWith('contract', [process.execPath, '-e', check, '{output}']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.entries[0]?.adapter).toBe('models/single-agent-ft/iteration-1/model.gguf');
  });
});
