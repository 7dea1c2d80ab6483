import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterInFormat, detectAdapterFormat } from '../../src/adapters/adapter-in-format.js';
import { readGgufLoraFile } from '../../src/adapters/gguf-model-files.js';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { knownLoraModules, writePeftAdapter } from '../helpers/peft-adapter.js';

let directory: string;
let basePath: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-adapter-format-'));
  basePath = path.join(directory, 'base.gguf');
  await writeGgufFile(basePath, createTinyLlamaModel({ headCountKv: 2 }));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('an adapter in the form a backend loads', () => {
  it("converts a trainer's PEFT directory for llama.cpp once, then reuses it, and back for vLLM", async () => {
    const peft = path.join(directory, 'agent-0-generator');
    await writePeftAdapter(peft, knownLoraModules(32), 8);
    expect(await detectAdapterFormat(peft)).toBe('peft');
    expect(await adapterInFormat({ adapter: peft, want: 'peft', basePath })).toEqual({ path: peft, converted: false });

    const first = await adapterInFormat({ adapter: peft, want: 'gguf', basePath });
    expect(first).toEqual({ path: `${peft}.gguf`, converted: true });
    expect(await detectAdapterFormat(first.path)).toBe('gguf');
    expect(await adapterInFormat({ adapter: peft, want: 'gguf', basePath })).toEqual({
      path: `${peft}.gguf`,
      converted: false,
    });

    const back = await adapterInFormat({ adapter: first.path, want: 'peft', basePath, hfModel: 'org/base' });
    expect(back).toEqual({ path: `${peft}.peft`, converted: true });
    const again = await adapterInFormat({ adapter: back.path, want: 'gguf', basePath });
    expect((await readGgufLoraFile(again.path)).tensors).toEqual((await readGgufLoraFile(first.path)).tensors);
  });

  it('refuses what is neither', async () => {
    const text = path.join(directory, 'notes.txt');
    await writeFile(text, 'hello');
    await expect(detectAdapterFormat(text)).rejects.toThrow(/neither a GGUF adapter nor a PEFT directory/);
    await expect(detectAdapterFormat(directory)).rejects.toThrow(/without adapter_config.json/);
  });
});
