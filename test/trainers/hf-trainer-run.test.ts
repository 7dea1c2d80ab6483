/**
 * Trainer `hf` in `maft run`: the Python and its packages are checked before the run exists (one line naming
 * everything missing), and an hf job's PEFT adapter becomes the GGUF adapter the embedded engine applies.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-in-process.js';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { readGgufMetadata } from '../../src/gguf/read-gguf-metadata.js';
import { convertHfProduct } from '../../src/trainers/hf/hf-trainer-jobs.js';
import { knownLoraModules, writePeftAdapter } from '../helpers/peft-adapter.js';
import { startLoopbackVllm } from '../helpers/loopback-vllm.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const directory = mkdtempSync(path.join(tmpdir(), 'maft-hf-run-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('maft run with the hf trainer', () => {
  it('refuses, before the run exists, a Python without the training packages — one line naming them all', async () => {
    const config = path.join(directory, 'hf.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        task: { name: 'arithmetic', options: { max: 9 } },
        split: { finetuneCount: 4, evalCount: 4 },
        methods: ['multiagent-ft'],
        trainer: {
          kind: 'hf',
          model: path.join(directory, 'hf-model'),
          accelerateConfig: path.join(repo, 'examples/accelerate/single-gpu.yaml'),
          python: 'python3',
        },
      }),
    );
    const run = path.join(directory, 'run');
    const result = await runInProcess(['run', config, '--run', run]);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/python: python3 \(Python 3[\d.]*\) lacks .*peft.*: pip install /);
    expect(existsSync(run)).toBe(false);
  });

  it('says which Python is missing when it does not exist', async () => {
    const config = path.join(directory, 'hf-missing.yaml');
    const text = JSON.parse(readFileSync(path.join(directory, 'hf.yaml'), 'utf8')) as {
      trainer: Record<string, unknown>;
    };
    writeFileSync(config, JSON.stringify({ ...text, trainer: { ...text.trainer, python: '/nonexistent/python3' } }));
    const result = await runInProcess(['run', config, '--run', path.join(directory, 'run-missing')]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Python not found: \/nonexistent\/python3/);
    expect(existsSync(path.join(directory, 'run-missing'))).toBe(false);
  });

  it("refuses, before the run exists, a LoRA rank above the vLLM server's declared --max-lora-rank", async () => {
    const vllm = await startLoopbackVllm({ baseModel: 'qwen7b', maxLoraRank: 8 });
    const config = path.join(directory, 'hf-vllm-rank.yaml');
    const text = JSON.parse(readFileSync(path.join(directory, 'hf.yaml'), 'utf8')) as {
      trainer: Record<string, unknown>;
    };
    writeFileSync(
      config,
      JSON.stringify({
        ...text,
        backend: { kind: 'openai', baseUrl: `${vllm.url}/v1`, model: 'qwen7b', vllm: { maxLoraRank: 8 } },
        trainer: { ...text.trainer, hyperparameters: { rank: 16 } },
      }),
    );
    const run = path.join(directory, 'run-vllm-rank');
    const result = await runInProcess(['run', config, '--run', run]).finally(() => vllm.close());
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      "maft: error [CONFIG_INVALID]: trainer.hyperparameters.rank: LoRA rank 16 is above the vLLM server's --max-lora-rank 8 (backend.vllm.maxLoraRank): train a lower rank, or restart vLLM with --max-lora-rank 16 and declare that",
    ]);
    expect(existsSync(run)).toBe(false);
  });

  it('names peft alone when it is the one package missing, before the run exists', async () => {
    // A Python whose site has torch, transformers and accelerate (empty importable stand-ins) but not peft.
    const site = path.join(directory, 'site-no-peft');
    for (const name of ['torch', 'transformers', 'accelerate']) {
      mkdirSync(path.join(site, name), { recursive: true });
      writeFileSync(path.join(site, name, '__init__.py'), '');
    }
    const python = path.join(directory, 'python-no-peft');
    writeFileSync(python, `#!/bin/sh\nPYTHONPATH=${site} exec /usr/bin/python3 "$@"\n`, { mode: 0o755 });
    const config = path.join(directory, 'hf-no-peft.yaml');
    const text = JSON.parse(readFileSync(path.join(directory, 'hf.yaml'), 'utf8')) as {
      trainer: Record<string, unknown>;
    };
    writeFileSync(config, JSON.stringify({ ...text, trainer: { ...text.trainer, python } }));
    const run = path.join(directory, 'run-no-peft');
    const result = await runInProcess(['run', config, '--run', run]);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/python: .*python-no-peft \(Python 3[\d.]*\) lacks peft: pip install peft$/);
    expect(existsSync(run)).toBe(false);
  });

  it("turns an hf job's PEFT adapter into the GGUF adapter beside it when the backend applies GGUF adapters", async () => {
    const artifacts = path.join(directory, 'artifacts');
    const base = path.join(directory, 'tiny.gguf');
    await writeGgufFile(base, createTinyLlamaModel({ headCountKv: 2 }));
    await writePeftAdapter(
      path.join(artifacts, 'models/multiagent-ft/iteration-1/agent-0-critic.peft'),
      knownLoraModules(32),
      8,
    );
    const product = await convertHfProduct('models/multiagent-ft/iteration-1/agent-0-critic.peft', base, (name) =>
      path.join(artifacts, name),
    );
    expect(product).toEqual({ adapter: 'models/multiagent-ft/iteration-1/agent-0-critic.gguf' });
    const metadata = await readGgufMetadata(path.join(artifacts, product.adapter), 4096);
    expect(metadata['general.type']?.value).toBe('adapter');
    expect(metadata['adapter.lora.alpha']?.value).toBe(8);
  });
});
