/**
 * The pure parts of per-backend models: llama-server's command line (adapters loaded at scale 0, in id order),
 * what each backend serves (the contract with the trainer check), vLLM names of a run's adapters, and the
 * served / adapter refusals of each backend.
 */
import { describe, expect, it } from 'vitest';
import { llamaServerArgs } from '../../src/backends/llama-server/index.js';
import { backendServes } from '../../src/config/backend-serves.js';
import { backendConfigSchema } from '../../src/config/config-sections.js';
import { MaftError } from '../../src/errors/maft-error.js';
import { adapterOf } from '../../src/society/model-files.js';
import { vllmAdapterName } from '../../src/society/openai-society.js';

const launch = {
  binary: '/bin/llama-server',
  model: '/m/base.gguf',
  threads: 1,
  contextSize: 512,
  parallel: 2,
  alias: 'maft-base',
  startupTimeoutMs: 1000,
  extraArgs: ['--seed', '1'],
};

describe('models per backend', () => {
  it('starts llama-server on loopback with every adapter at scale 0, in id order', () => {
    const args = llamaServerArgs({ ...launch, adapters: ['/a/g0.gguf', '/a/c0.gguf'] });
    expect(args.join(' ')).toBe(
      '--model /m/base.gguf --host 127.0.0.1 --port 0 --threads 1 --threads-batch 1 --threads-http 2 ' +
        '--ctx-size 1024 --parallel 2 --alias maft-base --no-ui ' +
        '--lora-scaled /a/g0.gguf:0 --lora-scaled /a/c0.gguf:0 --seed 1',
    );
    expect(() => llamaServerArgs({ ...launch, adapters: ['/a/x:1.gguf'] })).toThrow(MaftError);
  });

  it('says what each backend serves', () => {
    const parse = (raw: Record<string, unknown>) => backendConfigSchema.parse(raw);
    expect(backendServes(parse({ kind: 'llama-cpp', model: 'm.gguf' }))).toEqual(new Set(['gguf-adapter']));
    expect(backendServes(parse({ kind: 'llama-server', model: 'm.gguf' }))).toEqual(new Set(['gguf-adapter']));
    const openai = { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'm' };
    expect(backendServes(parse(openai))).toEqual(new Set(['served-model']));
    expect(backendServes(parse({ ...openai, vllm: {} }))).toEqual(new Set(['served-model', 'peft-adapter']));
  });

  it('names a run adapter for vLLM by its artifact path, distinct per agent, role and iteration', () => {
    expect(vllmAdapterName('models/multiagent-ft/iteration-2/agent-1-critic')).toBe(
      'multiagent-ft.iteration-2.agent-1-critic',
    );
    expect(vllmAdapterName('models/single-agent-ft/iteration-1/model.peft/')).toBe('single-agent-ft.iteration-1.model');
  });

  it('refuses a served name on a backend that applies adapter files, in one line', () => {
    const backend = backendConfigSchema.parse({ kind: 'llama-cpp', model: '/m/base.gguf' });
    expect(adapterOf({ adapter: 'a.gguf' }, backend)).toBe('a.gguf');
    expect(adapterOf(undefined, backend)).toBeUndefined();
    expect(() => adapterOf({ served: 'ft:gpt-x' }, backend)).toThrow(
      /the llama-cpp backend applies adapter files to \/m\/base\.gguf; it cannot serve served model ft:gpt-x/,
    );
  });
});
