/**
 * What the pipeline does when a trainer's output and a backend's input differ (issue 9's trainer jobs call it):
 * the `hf` trainer writes PEFT directories, the embedded engine and llama-server load GGUF adapters, vLLM loads
 * PEFT directories. Given an adapter in either form, return one in the form wanted, converting beside the
 * source (`<dir>.gguf`, or `<file minus .gguf>.peft/`) and reusing an earlier conversion that is newer than
 * its source.
 */
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import { convertPeftToGguf, exportGgufToPeft } from './convert-adapter.js';

export type AdapterFormat = 'gguf' | 'peft';

export async function detectAdapterFormat(adapter: string): Promise<AdapterFormat> {
  const info = await stat(adapter).catch(() => {
    throw new MaftError('FILE_NOT_FOUND', 'no such adapter', { file: adapter });
  });
  if (info.isDirectory()) {
    if (
      await stat(path.join(adapter, 'adapter_config.json')).then(
        () => true,
        () => false,
      )
    )
      return 'peft';
    throw new MaftError('INPUT_INVALID', 'a directory without adapter_config.json is not a PEFT adapter', {
      file: adapter,
    });
  }
  const file = await open(adapter, 'r');
  try {
    const magic = Buffer.alloc(4);
    await file.read(magic, 0, 4, 0);
    if (magic.toString('latin1') === 'GGUF') return 'gguf';
  } finally {
    await file.close();
  }
  throw new MaftError('INPUT_INVALID', 'neither a GGUF adapter nor a PEFT directory', { file: adapter });
}

export interface AdapterInFormatOptions {
  readonly adapter: string;
  readonly want: AdapterFormat;
  /** The GGUF base model (architecture, heads, shapes). */
  readonly basePath: string;
  /** base_model_name_or_path for an exported PEFT adapter (the HF model vLLM serves). */
  readonly hfModel?: string;
}

export async function adapterInFormat(options: AdapterInFormatOptions): Promise<{ path: string; converted: boolean }> {
  const have = await detectAdapterFormat(options.adapter);
  if (have === options.want) return { path: options.adapter, converted: false };
  const source = options.adapter.replace(/\/+$/, '');
  const target = options.want === 'gguf' ? `${source}.gguf` : `${source.replace(/\.gguf$/, '')}.peft`;
  const [sourceTime, targetTime] = await Promise.all([
    stat(source).then((info) => info.mtimeMs),
    stat(target).then(
      (info) => info.mtimeMs,
      () => undefined,
    ),
  ]);
  if (
    targetTime !== undefined &&
    targetTime >= sourceTime &&
    (await detectAdapterFormat(target).catch(() => undefined)) === options.want
  ) {
    return { path: target, converted: false };
  }
  if (options.want === 'gguf') {
    await convertPeftToGguf({ peftDirectory: source, basePath: options.basePath, outPath: target });
  } else {
    await rm(target, { recursive: true, force: true });
    await exportGgufToPeft({
      adapterPath: source,
      basePath: options.basePath,
      outDirectory: target,
      ...(options.hfModel === undefined ? {} : { baseModel: options.hfModel }),
    });
  }
  return { path: target, converted: true };
}
