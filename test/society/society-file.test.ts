/**
 * `maft debate --society <file.yaml>`: the file's agent → {generator, critic} map, its one-line errors (file,
 * line, field, what was expected), served names vs adapter files by backend, and an adapter made for another
 * base model refused before any run exists.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backendConfigSchema } from '../../src/config/config-sections.js';
import { MaftError } from '../../src/errors/maft-error.js';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { checkGivenSociety, readSocietyFile } from '../../src/society/society-file.js';
import { baseSociety, givenModels } from '../../src/society/society-plan.js';
import { tinyAdapter } from '../helpers/tiny-adapter.js';

const directory = mkdtempSync(path.join(tmpdir(), 'maft-society-file-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
};

const oneLine = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    if (error instanceof MaftError) return error.toOneLine();
    throw error;
  }
  throw new Error('expected a MaftError');
};

describe('a society file', () => {
  it('maps each agent to its generator and critic; adapter paths are next to the file, names stay names', () => {
    write('g0.gguf', '');
    const file = write(
      'society.yaml',
      'agent-1: { generator: ft:model-b }\nagent-0:\n  generator: g0.gguf\n  critic: ft:c\n',
    );
    expect(readSocietyFile(file)).toEqual([
      { generator: path.join(directory, 'g0.gguf'), critic: 'ft:c' },
      { generator: 'ft:model-b' },
    ]);
    const models = readSocietyFile(file);
    expect(givenModels(models, 'openai')?.[1]).toEqual({ generator: { served: 'ft:model-b' } });
    expect(givenModels(models, 'llama-server')?.[0]?.generator).toEqual({ adapter: path.join(directory, 'g0.gguf') });
    const plan = baseSociety({ agents: 2, rounds: 2, critics: true }, undefined, givenModels(models, 'openai'));
    expect(plan.agents).toEqual([
      { generator: { served: path.join(directory, 'g0.gguf') }, critic: { served: 'ft:c' } },
      { generator: { served: 'ft:model-b' } },
    ]);
  });

  it('names the file, line and field of what is wrong', () => {
    expect(oneLine(() => readSocietyFile(write('a.yaml', 'agent-0: { generator: a\n')))).toMatch(
      /a\.yaml:2: Flow map in block collection must be sufficiently indented and end with a }$/,
    );
    expect(oneLine(() => readSocietyFile(write('b.yaml', 'agent-0: { generator: a }\nbob: { critic: b }\n')))).toBe(
      `${path.join(directory, 'b.yaml')}:2: expected agent-<n> (n from 0), got "bob"`,
    );
    expect(oneLine(() => readSocietyFile(write('c.yaml', 'agent-0:\n  generator: a\n  judge: b\n')))).toBe(
      `${path.join(directory, 'c.yaml')}:3: agent-0.judge: expected generator or critic, got "judge"`,
    );
    expect(oneLine(() => readSocietyFile(write('d.yaml', 'agent-0: { generator: 3 }\n')))).toMatch(
      /d\.yaml:1: agent-0\.generator: expected a model name or an adapter file/,
    );
    expect(oneLine(() => readSocietyFile(write('e.yaml', 'agent-1: { generator: a }\n')))).toMatch(
      /e\.yaml:1: agents must be numbered 0 to 0: agent-0 is missing/,
    );
    expect(oneLine(() => readSocietyFile(path.join(directory, 'missing.yaml')))).toMatch(
      /missing\.yaml: --society: cannot read/,
    );
  });

  it('refuses, before a run exists, an adapter made for another base model', async () => {
    const model = path.join(directory, 'model.gguf');
    await writeGgufFile(model, createTinyLlamaModel({ seed: 1 }));
    const wide = path.join(directory, 'wide.gguf');
    await writeGgufFile(wide, createTinyLlamaModel({ seed: 2, embeddingLength: 96 }));
    const fits = path.join(directory, 'fits.gguf');
    await writeGgufFile(fits, tinyAdapter());
    const backend = backendConfigSchema.parse({ kind: 'llama-cpp', model });
    await expect(checkGivenSociety(backend, [{ generator: fits, critic: fits }])).resolves.toBeUndefined();
    const error = await checkGivenSociety(backend, [{ generator: fits, critic: wide }]).catch(
      (caught: unknown) => caught,
    );
    expect((error as MaftError).toOneLine()).toMatch(/wide\.gguf: general\.type: expected a GGUF LoRA adapter/);
    const other = path.join(directory, 'other-base.gguf');
    await writeGgufFile(other, createTinyLlamaModel({ seed: 1, feedForwardLength: 96 }));
    const foreign = await checkGivenSociety(backendConfigSchema.parse({ kind: 'llama-server', model: other }), [
      { generator: fits },
    ]).catch((caught: unknown) => caught);
    expect((foreign as MaftError).toOneLine()).toMatch(
      /fits\.gguf: blk\.0\.ffn_down\.weight\.lora_a: made for another base model than .*other-base\.gguf: input size 128, the model's is 96/,
    );
  });
});
