/**
 * Model sources: local paths resolve without node-llama-cpp's models directory; `hf:` URIs resolve offline
 * from a models directory that already holds the file (download disabled: tests never touch the network);
 * wrong files fail with one-line MaftErrors before llama.cpp sees them.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMaftError, type MaftError } from '../../../src/errors/maft-error.js';
import { isRemoteModelSource, resolveModelSource } from '../../../src/backends/llama-cpp/model-source.js';
import { writeTinyFiles, type TinyFiles } from './tiny-files.js';

let files: TinyFiles;

beforeAll(async () => {
  files = await writeTinyFiles();
});

afterAll(async () => {
  await files?.remove();
});

async function failure(promise: Promise<unknown>): Promise<MaftError> {
  try {
    await promise;
  } catch (error) {
    if (isMaftError(error)) return error;
    throw error;
  }
  throw new Error('expected a MaftError');
}

describe('resolveModelSource', () => {
  it('tells remote sources from local paths', () => {
    expect(isRemoteModelSource('hf:owner/repo:Q4_K_M')).toBe(true);
    expect(isRemoteModelSource('https://example.com/m.gguf')).toBe(true);
    expect(isRemoteModelSource('models/hf-notes.gguf')).toBe(false);
    expect(isRemoteModelSource('/abs/path.gguf')).toBe(false);
  });

  it('resolves a relative local path against the working directory', async () => {
    const relative = path.relative(process.cwd(), files.modelA);
    expect(await resolveModelSource(relative, 'model')).toEqual({ path: files.modelA, architecture: 'llama' });
  });

  it('resolves an hf: URI from the models directory without downloading', async () => {
    const modelsDirectory = path.join(files.directory, 'models');
    await mkdir(modelsDirectory);
    // node-llama-cpp's file name for hf:owner/repo/file.gguf.
    const cached = path.join(modelsDirectory, 'hf_maft_tiny_tiny-a.gguf');
    await copyFile(files.modelA, cached);
    const options = { modelsDirectory, allowDownload: false };
    expect((await resolveModelSource('hf:maft/tiny/tiny-a.gguf', 'model', options)).path).toBe(cached);
    const missing = await failure(resolveModelSource('hf:maft/tiny/other.gguf', 'model', options));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.toOneLine()).toMatch(/^hf:maft\/tiny\/other\.gguf: cannot resolve model .*download is disabled/);
  });

  it('names a missing file', async () => {
    const missing = path.join(files.directory, 'nope.gguf');
    const error = await failure(resolveModelSource(missing, 'model'));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.toOneLine()).toBe(`${missing}: cannot read model file: no such file`);
  });

  it('rejects files that are not GGUF, empty files and directories', async () => {
    const wrong = await failure(resolveModelSource(files.notGguf, 'model'));
    expect(wrong.code).toBe('INPUT_INVALID');
    expect(wrong.toOneLine()).toBe(
      `${files.notGguf}: model file is not a GGUF file (expected the bytes "GGUF", it starts with "{\\"th")`,
    );
    const empty = path.join(files.directory, 'empty.gguf');
    await writeFile(empty, '');
    expect((await failure(resolveModelSource(empty, 'model'))).message).toMatch(/the file is empty/);
    expect((await failure(resolveModelSource(files.directory, 'model'))).message).toMatch(/it is a directory/);
  });

  it('refuses an adapter given as a model and a model given as an adapter', async () => {
    expect((await failure(resolveModelSource(files.adapter, 'model'))).message).toMatch(/is a LoRA adapter/);
    expect((await failure(resolveModelSource(files.modelB, 'adapter'))).message).toMatch(
      /not a LoRA adapter \(general.type is "model"\)/,
    );
    expect(await resolveModelSource(files.adapter, 'adapter')).toEqual({ path: files.adapter, architecture: 'llama' });
  });
});
