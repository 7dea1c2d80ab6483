/**
 * The test helper itself: a server that cannot start fails the suite at once with its log, instead of
 * waiting out the startup bound or leaving a process behind.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
