/**
 * Trainer `command` for real: `maft run` on the embedded engine with every model trained by an external
 * command behind the documented contract — here a script that calls maft's own trainer
 * (examples/trainers/maft-command-trainer.ts) — two iterations, the second continuing from the first's adapter.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRegistry } from '../../src/finetune/model-registry.js';
import { runInProcess } from '../helpers/run-in-process.js';

const script = fileURLToPath(new URL('../../examples/trainers/maft-command-trainer.ts', import.meta.url));
const directory = mkdtempSync(path.join(tmpdir(), 'maft-command-trainer-'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('the command trainer', () => {
  it('trains every model of a maft run through the contract, iteration 2 continuing from iteration 1', async () => {
    const config = path.join(directory, 'command.yaml');
    const run = path.join(directory, 'run');
    writeFileSync(
      config,
      JSON.stringify({
        task: { name: 'arithmetic', options: { max: 9 } },
        // Four problems give both iterations' single model rows (the contract, not the data, is under test).
        split: { finetuneCount: 4, evalCount: 2 },
        society: { agents: 2, rounds: 2 },
        sampling: { maxTokens: 96 },
        methods: ['single-agent-ft'],
        iterations: 2,
        trainer: {
          kind: 'command',
          command: [process.execPath, '--import', 'tsx', script],
          hyperparameters: { rank: 4, epochs: 1, learningRate: 1e-3, windowLength: 256 },
        },
      }),
    );
    const result = await runInProcess(['run', config, '--run', run]);
    expect(result.status, result.stderr).toBe(0);
    const entries = parseRegistry(readFileSync(path.join(run, 'artifacts/models/registry.json'), 'utf8')).entries;
    expect(entries.map((entry) => [entry.iteration, entry.status, entry.trainerKind])).toEqual([
      [1, 'succeeded', 'command'],
      [2, 'succeeded', 'command'],
    ]);
    const [first, second] = entries;
    expect(first?.adapter).toBe('models/single-agent-ft/iteration-1/model.gguf');
    expect(second?.initialAdapter).toBe(first?.adapter);
    for (const entry of entries) {
      expect(existsSync(path.join(run, 'artifacts', entry.adapter ?? 'missing'))).toBe(true);
      const log = readFileSync(path.join(run, 'artifacts', entry.log ?? 'missing'), 'utf8');
      expect(log).toMatch(new RegExp(`training ${entry.rows} rows on .*arithmetic-base\\.gguf`));
      expect(log).toMatch(/trained \d+ steps, final loss/);
    }
    expect(readFileSync(path.join(run, 'artifacts', second?.log ?? ''), 'utf8')).toContain(
      `continuing ${path.join(run, 'artifacts', first?.adapter ?? '')}`,
    );
    const results = JSON.parse(readFileSync(path.join(run, 'artifacts/results.json'), 'utf8')) as {
      progress: { finished: boolean };
    };
    expect(results.progress.finished).toBe(true);
  });
});
