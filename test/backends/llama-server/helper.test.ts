/**
 * The test helper itself: a server that cannot start fails the suite at once with its log, instead of
 * waiting out the startup bound or leaving a process behind. The helper and maft's own launch share one wait
 * (src/backends/llama-server/wait-until-healthy.ts) and differ only in how it fails: maft's launch fails the same
 * way at once, with a one-line ENDPOINT_UNREACHABLE instead of the log.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlamaServer as launchLlamaServer } from '../../../src/backends/llama-server/launch.js';
import { MaftError } from '../../../src/errors/maft-error.js';
import { startLlamaServer } from '../../helpers/llama-server.js';
import { binary, suiteName } from './fixtures.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-llama-server-helper-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('startLlamaServer', () => {
  it('rejects, without hanging, when the binary cannot be spawned', async () => {
    const started = performance.now();
    await expect(
      startLlamaServer({ modelPath: 'unused.gguf', binary: path.join(directory, 'no-such-binary') }),
    ).rejects.toThrow(/exited during startup[\s\S]*spawn failed: .*ENOENT/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe.skipIf(binary.path === undefined)(suiteName('startLlamaServer with the real binary'), () => {
  it('rejects with the server’s log when the model file is not a GGUF', async () => {
    const modelPath = path.join(directory, 'not-a-model.gguf');
    await writeFile(modelPath, 'this is not a GGUF file');
    const started = performance.now();
    await expect(startLlamaServer({ modelPath })).rejects.toThrow(/exited during startup[\s\S]*not-a-model\.gguf/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('maft’s own launch rejects with a one-line ENDPOINT_UNREACHABLE naming what the server said', async () => {
    const modelPath = path.join(directory, 'not-a-model-either.gguf');
    await writeFile(modelPath, 'this is not a GGUF file');
    const launch = {
      binary: binary.path as string,
      model: modelPath,
      adapters: [],
      threads: 1,
      contextSize: 256,
      parallel: 1,
      alias: 'not-a-model',
      startupTimeoutMs: 20_000,
      extraArgs: [],
    };
    const error = await launchLlamaServer(launch).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MaftError);
    expect(error).toMatchObject({ code: 'ENDPOINT_UNREACHABLE' });
    expect((error as MaftError).message).toMatch(/^llama-server exited during startup \(.+\)$/);
    expect((error as MaftError).message).not.toContain('\n');
  });
});
