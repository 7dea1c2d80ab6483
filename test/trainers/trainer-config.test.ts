/**
 * The `trainer` section as a union on `kind`: an embedded config written before kinds existed resolves as it
 * did, and a hosted or external trainer's problems are found up front, all at once.
 */
import { describe, expect, it } from 'vitest';
import { resolveRunConfig, runConfigProblems } from '../../src/config/resolve-run-config.js';
import { runConfigSchema } from '../../src/config/run-config.js';
import { trainerProducts } from '../../src/config/trainer-products.js';
import { readConfigFileResolved } from '../../src/config/validate-config.js';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runInProcess } from '../helpers/run-in-process.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/trainers');

const task = { name: 'arithmetic', options: { max: 9 } };
const server = { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-4o-mini-2024-07-18' };

describe('trainer config', () => {
  it('keeps every embedded field and default when no kind is written', () => {
    const config = runConfigSchema.parse({ task, backend: { kind: 'llama-cpp', model: 'm.gguf', contextSize: 512 } });
    expect(config.trainer).toEqual({
      kind: 'embedded',
      rank: 8,
      epochs: 2,
      learningRate: 1e-3,
      warmupShare: 0.03,
      windowLength: 1024,
      windowsPerStep: 1,
    });
  });

  it('fills the OpenAI defaults of the released code (2 epochs, batch 1, lr multiplier 1)', () => {
    const config = runConfigSchema.parse({ task, backend: server, trainer: { kind: 'openai' } });
    expect(config.trainer).toMatchObject({
      kind: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      epochs: 2,
      batchSize: 1,
      learningRateMultiplier: 1,
    });
  });

  it('lists every trainer problem at once: the product the backend cannot serve, the unset key variable, the model', async () => {
    const error = (await resolveRunConfig(
      {
        task,
        split: { finetuneCount: 4, evalCount: 4 },
        trainer: { kind: 'openai', apiKeyEnv: 'MAFT_TEST_UNSET_KEY' },
      },
      'cfg.yaml',
    ).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toBe(
      'invalid cfg.yaml: trainer.kind: the openai trainer makes served-model models, which the llama-cpp backend cannot serve ' +
        '(multiagent-ft, single-agent-ft need it; evaluate base, majority and debate only, pick a trainer whose product the backend serves, or export the data with maft build-data and train elsewhere); ' +
        'trainer.apiKeyEnv: MAFT_TEST_UNSET_KEY is not set (the openai trainer needs its API key there); ' +
        'trainer.model: required (the model to fine-tune) when the backend is not an OpenAI-compatible server',
    );
  });

  it('accepts a hosted trainer with an OpenAI-compatible backend and its key set; the finetuning methods stay the default', async () => {
    const { config } = await resolveRunConfig(
      {
        task,
        split: { finetuneCount: 4, evalCount: 4 },
        backend: server,
        trainer: { kind: 'together', apiKeyEnv: 'MAFT_TEST_SET_KEY' },
      },
      'cfg.yaml',
    ).catch(() => ({ config: undefined }));
    expect(config).toBeUndefined(); // the key is not set yet
    process.env.MAFT_TEST_SET_KEY = 'k';
    const resolved = await resolveRunConfig(
      {
        task,
        split: { finetuneCount: 4, evalCount: 4 },
        backend: server,
        trainer: { kind: 'together', apiKeyEnv: 'MAFT_TEST_SET_KEY' },
      },
      'cfg.yaml',
    );
    expect(resolved.config.methods).toContain('multiagent-ft');
    expect(runConfigProblems(resolved.config, {})).toEqual([
      'trainer.apiKeyEnv: MAFT_TEST_SET_KEY is not set (the together trainer needs its API key there)',
    ]);
  });

  it('refuses a command trainer making GGUF adapters for a server, and names what each kind makes', () => {
    const config = runConfigSchema.parse({
      task,
      backend: server,
      trainer: { kind: 'command', command: ['train.sh'] },
    });
    expect(runConfigProblems(config, {})[0]).toMatch(
      /^trainer\.kind: the command trainer makes gguf-adapter models, which the openai backend cannot serve/,
    );
    expect(trainerProducts({ kind: 'hf' })).toEqual(['peft-adapter', 'gguf-adapter']);
    expect(trainerProducts({ kind: 'command', produces: 'peft-adapter' })).toEqual(['peft-adapter']);
  });

  it.each(readdirSync(examples).filter((name) => name.endsWith('.yaml')))('ships %s as a valid config', (name) => {
    const raw = readConfigFileResolved(path.join(examples, name));
    const config = runConfigSchema.parse({ backend: { kind: 'llama-cpp', model: 'm.gguf' }, ...raw });
    expect(config.trainer.kind).toBe(name.replace(/\.yaml$/, ''));
    if (config.trainer.kind === 'hf') expect(existsSync(config.trainer.accelerateConfig)).toBe(true);
  });

  it('makes `maft run` stop with one line, before the run exists, when the key variable is unset', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'maft-trainer-config-'));
    try {
      const file = path.join(directory, 'openai.yaml');
      writeFileSync(
        file,
        JSON.stringify({
          task,
          backend: { ...server, apiKeyEnv: 'MAFT_TEST_UNSET_KEY' },
          trainer: { kind: 'openai', apiKeyEnv: 'MAFT_TEST_UNSET_KEY' },
        }),
      );
      const result = await runInProcess(['run', file, '--run', path.join(directory, 'run')]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(
        'trainer.apiKeyEnv: MAFT_TEST_UNSET_KEY is not set (the openai trainer needs its API key there)',
      );
      expect(existsSync(path.join(directory, 'run'))).toBe(false);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
