/**
 * The llama-server backend maft manages (backend.kind llama-server): a society of 2N distinct GGUF adapters on
 * one server, one adapter chosen per request, every model under its own id; the restart rule (a society with an
 * adapter the server lacks restarts it; one whose adapters are loaded does not); an adapter for another base
 * model refused in one line; and no orphan server when the maft process is killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendConfigSchema, type LlamaServerBackendConfig } from '../../../src/config/config-sections.js';
import { describeLoraAdapter } from '../../../src/gguf/lora-adapter.js';
import { createTinyLlamaModel, randomFloats } from '../../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../../src/gguf/write-gguf.js';
import { MaftError } from '../../../src/errors/maft-error.js';
import { ManagedLlamaServer } from '../../../src/backends/llama-server/index.js';
import { createModelSource, type ModelSource } from '../../../src/society/open-society.js';
import type { ChatRequest } from '../../../src/spec/chat-model.js';
import { binary, suiteName } from './fixtures.js';

/** A rank-4 adapter on the default tiny llama (n_embd 64, n_ff 128); `seed` makes each one different. */
function adapter(seed: number, embedding = 64) {
  const weights = [0, 1].flatMap((block) =>
    ['attn_output', 'ffn_down'].map((name) => {
      const inputSize = name === 'ffn_down' ? 2 * embedding : embedding;
      return {
        target: `blk.${block}.${name}.weight`,
        inputSize,
        outputSize: embedding,
        rank: 4,
        a: randomFloats(seed * 100 + block * 10 + inputSize, inputSize * 4, 0.5),
        b: randomFloats(seed * 100 + block * 10 + 1, 4 * embedding, 0.5),
      };
    }),
  );
  return describeLoraAdapter({ architecture: 'llama', alpha: 4, weights });
}

const ask: ChatRequest = {
  messages: [{ role: 'user', content: 'What is 2+3?' }],
  temperature: 1,
  seed: 7,
  maxTokens: 12,
};

describe.skipIf(binary.path === undefined)(suiteName('the managed llama-server backend'), () => {
  let directory: string;
  let backend: LlamaServerBackendConfig;
  let source: ModelSource;
  const adapterPath = (name: string) => path.join(directory, name);

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'maft-managed-'));
    await writeGgufFile(path.join(directory, 'base.gguf'), createTinyLlamaModel({ seed: 3 }));
    for (let seed = 1; seed <= 5; seed++) await writeGgufFile(adapterPath(`a${seed}.gguf`), adapter(seed));
    await writeGgufFile(adapterPath('wide.gguf'), adapter(9, 96));
    backend = backendConfigSchema.parse({
      kind: 'llama-server',
      model: path.join(directory, 'base.gguf'),
      contextSize: 512,
      binary: binary.path,
    }) as LlamaServerBackendConfig;
    source = createModelSource(backend, { agents: 2, problemConcurrency: 1, adapterPath });
  });
  afterAll(async () => {
    await source?.dispose();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('serves 2N distinct adapters, one per request, each model under its own id', async () => {
    const society = await source.openSociety({
      rounds: 2,
      agents: [
        { generator: { adapter: 'a1.gguf' }, critic: { adapter: 'a2.gguf' } },
        { generator: { adapter: 'a3.gguf' }, critic: { adapter: 'a4.gguf' } },
      ],
    });
    const models = [...society.agents.flatMap((agent) => [agent.generator, agent.critic]), society.summarizer];
    const replies = [];
    for (const model of models) replies.push(await model.complete(ask));
    // Five models, five ids (cache keys), five recorded model ids, and the adapters really change the text.
    expect(new Set(models.map((model) => model.id)).size).toBe(5);
    expect(replies.map((reply) => reply.modelId)).toEqual(models.map((model) => model.id));
    expect(new Set(replies.map((reply) => reply.text)).size).toBeGreaterThanOrEqual(4);
    // Asked again, each adapter gives the same text (a slot's cache never leaks another adapter in).
    for (const [index, model] of models.entries()) expect((await model.complete(ask)).text).toBe(replies[index]?.text);
    await society.release();
  });

  it('restarts only for adapters the running server lacks; refuses a foreign adapter and a served name', async () => {
    const managed = new ManagedLlamaServer({
      binary: binary.path as string,
      model: backend.model,
      alias: 'base',
      threads: 1,
      contextSize: 512,
      parallel: 1,
      startupTimeoutMs: 60_000,
      timeoutMs: 60_000,
      extraArgs: [],
    });
    try {
      const both = await managed.hold([adapterPath('a1.gguf'), adapterPath('a2.gguf')]);
      expect(managed.loaded).toEqual([adapterPath('a1.gguf'), adapterPath('a2.gguf')]);
      managed.release(both);
      managed.release(await managed.hold([adapterPath('a2.gguf')])); // loaded already: no restart
      expect(managed.starts).toBe(1);
      const held = await managed.hold([adapterPath('a3.gguf')]); // none open: exactly the new set
      expect(managed.starts).toBe(2);
      expect(managed.loaded).toEqual([adapterPath('a3.gguf')]);
      // A society still open keeps its adapters across the restart another society causes.
      const model = managed.model({ file: adapterPath('a3.gguf'), id: 'a3' });
      const before = await model.complete(ask);
      await managed.hold([adapterPath('a4.gguf')]);
      expect(managed.starts).toBe(3);
      expect(managed.loaded).toEqual([adapterPath('a3.gguf'), adapterPath('a4.gguf')]);
      expect((await model.complete(ask)).text).toBe(before.text);
      managed.release(held);
    } finally {
      await managed.stop();
    }
    const foreign = await source.openSociety({ rounds: 1, agents: [{ generator: { adapter: 'wide.gguf' } }] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(foreign).toBeInstanceOf(MaftError);
    expect((foreign as MaftError).toOneLine()).toMatch(
      /wide\.gguf: blk\.0\.attn_output\.weight\.lora_a: made for another base model than .*base\.gguf: input size 96, the model's is 64/,
    );
    await expect(source.openSociety({ rounds: 1, agents: [{ generator: { served: 'ft:x' } }] })).rejects.toThrow(
      /cannot serve served model ft:x/,
    );
    // An `hf` job's PEFT directory with no GGUF conversion: one line saying how to convert it.
    await mkdir(adapterPath('peft-only'));
    const peftOnly = await source.openSociety({ rounds: 1, agents: [{ generator: { adapter: 'peft-only' } }] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((peftOnly as MaftError).toOneLine()).toMatch(
      /peft-only: backend\.kind: a PEFT adapter directory; the llama-server backend applies GGUF adapters \(convert it with maft adapter convert/,
    );
  });

  it("keeps both societies' adapters when two are opened at once (the methods' chains side by side)", async () => {
    const managed = new ManagedLlamaServer({
      binary: binary.path as string,
      model: backend.model,
      alias: 'base',
      threads: 1,
      contextSize: 512,
      parallel: 1,
      startupTimeoutMs: 60_000,
      timeoutMs: 60_000,
      extraArgs: [],
    });
    const model = (name: string) => managed.model({ file: adapterPath(name), id: name });
    try {
      // Each adapter's reply with only that adapter loaded, and the base model's.
      const alone = new Map<string, string>();
      for (const name of ['a1.gguf', 'a5.gguf']) {
        const held = await managed.hold([adapterPath(name)]);
        alone.set(name, (await model(name).complete(ask)).text);
        managed.release(held);
      }
      const base = (await managed.model({ file: undefined, id: 'base' }).complete(ask)).text;
      expect(new Set([...alone.values(), base]).size).toBe(3);
      // Two societies open at once, one needing a restart (a1) and one served by the running server (a5): both
      // must stay loaded, and each model must answer with its own adapter, not the base model under its id.
      const holds = await Promise.all([managed.hold([adapterPath('a1.gguf')]), managed.hold([adapterPath('a5.gguf')])]);
      expect([...managed.loaded].sort()).toEqual([adapterPath('a1.gguf'), adapterPath('a5.gguf')]);
      const [first, second] = await Promise.all([model('a1.gguf').complete(ask), model('a5.gguf').complete(ask)]);
      expect(first.text).toBe(alone.get('a1.gguf'));
      expect(second.text).toBe(alone.get('a5.gguf'));
      for (const held of holds) managed.release(held);
      // A model whose adapter the server no longer has is refused, never answered by the base model.
      managed.release(await managed.hold([adapterPath('a2.gguf')]));
      await expect(model('a1.gguf').complete(ask)).rejects.toThrow(/a1\.gguf: its adapter is not loaded/);
    } finally {
      await managed.stop();
    }
  });

  it('leaves no server behind when maft is killed with SIGKILL', async () => {
    const launch = path.resolve('src/backends/llama-server/launch.ts');
    const script = `
      const { startLlamaServer } = await import(${JSON.stringify(launch)});
      const server = await startLlamaServer(${JSON.stringify({
        binary: binary.path,
        model: backend.model,
        adapters: [adapterPath('a1.gguf')],
        alias: 'orphan-check',
        threads: 1,
        contextSize: 256,
        parallel: 1,
        startupTimeoutMs: 60_000,
        extraArgs: [],
      })});
      process.stdout.write('ready ' + server.origin + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const origin = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const found = /ready (\S+)/.exec(output)?.[1];
        if (found !== undefined || child.exitCode !== null) clearInterval(poll);
        if (found !== undefined) resolve(found);
        else if (child.exitCode !== null) reject(new Error(output));
      }, 50);
    });
    expect((await fetch(`${origin}/health`)).ok).toBe(true);
    const servers = serversOf('orphan-check');
    expect(servers).toHaveLength(1);
    child.kill('SIGKILL');
    await exited;
    // The guardian sees its parent gone and kills the server (bounded wait: a guard against a hang only).
    const deadline = Date.now() + 60_000;
    while (serversOf('orphan-check').length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serversOf('orphan-check')).toEqual([]);
    await expect(fetch(`${origin}/health`)).rejects.toThrow();
  });
});

/** Live llama-server processes started with `--alias <alias>` (from /proc; zombies are not running). */
function serversOf(alias: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && path.basename(argv[0] ?? '') === 'llama-server' && argv.includes(alias))
        found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
