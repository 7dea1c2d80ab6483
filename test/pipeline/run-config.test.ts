/**
 * Bad `maft run` configs are refused before anything runs, every problem of a config at once; a good one
 * resolves with the paper's defaults filled in.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedDefaultConfig, overlapProblems, resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { runSessionSettings } from '../../src/config/run-config.js';
import { compareConfigs } from '../../src/run-store/open-run.js';
import { caught } from '../tasks/expect-error.js';
import { testDirectory } from '../run-store/temporary-directory.js';

const base = { task: { name: 'arithmetic' }, split: { finetuneCount: 5, evalCount: 5 } };

describe('maft run configs', () => {
  it("resolves the embedded default: arithmetic on the shipped model, the paper's society and sampling", async () => {
    const { config, finetuneProblems, evalProblems } = await resolveRunConfig(embeddedDefaultConfig(), 'default');
    expect(config.backend).toMatchObject({
      kind: 'llama-cpp',
      model: expect.stringMatching(/models\/arithmetic-base\.gguf$/),
    });
    expect(config.society).toMatchObject({ agents: 3, rounds: 2, summarize: true });
    expect(config.sampling).toMatchObject({ temperature: 1, topP: 0.9 });
    expect(config.methods).toEqual(['base', 'majority', 'debate', 'multiagent-ft', 'single-agent-ft']);
    const ids = new Set(finetuneProblems.map((problem) => problem.id));
    expect(evalProblems.some((problem) => ids.has(problem.id))).toBe(false);
  });

  it('debates 16 problems at once by default, a session setting: a run made at the old default 4 resumes', async () => {
    const { config } = await resolveRunConfig(embeddedDefaultConfig(), 'default');
    expect(config.problemConcurrency).toBe(16);
    const stored = JSON.parse(JSON.stringify({ ...config, problemConcurrency: 4 }));
    const options = { sessionSettings: runSessionSettings };
    expect(compareConfigs(stored, config, options).changed).toEqual([]);
    // Not so for a setting that changes results.
    expect(compareConfigs({ ...stored, seed: 1 }, config, options).changed).toHaveLength(1);
  });

  it('lists an unknown method and agents = 0 together', async () => {
    const error = await caught(() =>
      resolveRunConfig({ ...base, methods: ['debate', 'self-play'], society: { agents: 0 } }, 'config x.yaml'),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^invalid config x\.yaml: /);
    expect(error.message).toMatch(/methods\.1: /);
    expect(error.message).toMatch(/society\.agents: /);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('refuses a trainer the backend cannot serve, too many problems and a repeated method, all at once', async () => {
    const error = await caught(() =>
      resolveRunConfig(
        {
          task: { name: 'arithmetic', options: { count: 1000 } },
          split: { finetuneCount: 900, evalCount: 200 },
          methods: ['debate', 'multiagent-ft', 'debate'],
          backend: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
        },
        'config y.yaml',
      ),
    );
    expect(error.message).toMatch(
      /trainer\.kind: the embedded trainer .* openai backend cannot serve \(multiagent-ft need it/,
    );
    expect(error.message).toMatch(/methods\.2: debate is listed twice/);
    expect(error.message).toMatch(/1000 problems; finetune 900 \+ eval 200 needs 1100/);
  });

  it('refuses a held-out source that shares problems with the finetune split', async () => {
    const directory = testDirectory('run-config');
    const train = path.join(directory, 'train.jsonl');
    const test = path.join(directory, 'test.jsonl');
    const line = (question: string, answer: number) => `${JSON.stringify({ question, answer: `#### ${answer}` })}\n`;
    writeFileSync(train, [1, 2, 3, 4].map((n) => line(`What is ${n} + ${n}?`, 2 * n)).join(''));
    writeFileSync(test, [4, 5, 6].map((n) => line(`What is ${n} + ${n}?`, 2 * n)).join(''));
    const config = {
      task: { name: 'gsm8k', options: { path: train } },
      evalTask: { name: 'gsm8k', options: { path: test } },
      split: { finetuneCount: 4, evalCount: 3 },
      methods: ['debate'],
    };
    const error = await caught(() => resolveRunConfig(config, 'config z.yaml'));
    expect(error.message).toMatch(/evalTask: 1 held-out problem\(s\) are also finetune problems/);
    expect(overlapProblems([], [])).toEqual([]);
  });
});
