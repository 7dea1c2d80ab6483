/**
 * The file shell of adapter conversion in both directions: read, convert (pure cores), write atomically —
 * a GGUF through maft's writer (temporary file + rename), a PEFT directory assembled beside its final name and
 * renamed into place, so a failure never leaves a half-written adapter.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import { describeLoraAdapter } from '../gguf/lora-adapter.js';
import { writeGgufFile } from '../gguf/write-gguf.js';
import { readBaseModelInfo, readGgufLoraFile } from './gguf-model-files.js';
import { ggufToPeftAdapter } from './gguf-to-peft.js';
import { parsePeftConfig, renderPeftConfig } from './peft-config.js';
import { peftToGgufWeights } from './peft-to-gguf.js';
import { encodeSafetensors, parseSafetensors } from './safetensors.js';

export interface ConversionSummary {
  readonly output: string;
  readonly architecture: string;
  readonly alpha: number;
  /** Adapted weights (each one A/B pair). */
  readonly weights: number;
  readonly ranks: readonly number[];
  /** How many B matrices had their rows reordered for llama's RoPE layout. */
  readonly permuted: number;
}

export interface PeftToGgufOptions {
  readonly peftDirectory: string;
  readonly basePath: string;
  readonly outPath: string;
  /** Storage type of A and B. Default F32. */
  readonly type?: 'F32' | 'F16';
}

export async function convertPeftToGguf(options: PeftToGgufOptions): Promise<ConversionSummary> {
  const configPath = path.join(options.peftDirectory, 'adapter_config.json');
  const weightsPath = path.join(options.peftDirectory, 'adapter_model.safetensors');
  const config = parsePeftConfig(await readRequired(configPath, 'utf8'), configPath);
  const safetensors = await readFile(weightsPath).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    const legacy = await access(path.join(options.peftDirectory, 'adapter_model.bin')).then(
      () => true,
      () => false,
    );
    throw new MaftError(
      'FILE_NOT_FOUND',
      legacy
        ? 'only adapter_model.bin (a pickle) is there: save the adapter with safe_serialization=True'
        : 'no such file',
      { file: weightsPath },
    );
  });
  const base = await readBaseModelInfo(options.basePath);
  const weights = peftToGgufWeights(parseSafetensors(safetensors, weightsPath).tensors, base, weightsPath);
  await writeGgufFile(
    options.outPath,
    describeLoraAdapter({
      architecture: base.architecture,
      alpha: config.alpha,
      name: path.basename(path.resolve(options.peftDirectory)),
      weights,
      ...(options.type === undefined ? {} : { type: options.type }),
    }),
  );
  const permuted =
    base.architecture === 'llama' ? weights.filter((weight) => /\.attn_[qk]\.weight$/.test(weight.target)).length : 0;
  return {
    output: options.outPath,
    architecture: base.architecture,
    alpha: config.alpha,
    weights: weights.length,
    ranks: [...new Set(weights.map((weight) => weight.rank))],
    permuted,
  };
}

export interface GgufToPeftOptions {
  readonly adapterPath: string;
  readonly basePath: string;
  readonly outDirectory: string;
  /** `base_model_name_or_path` written into adapter_config.json. Default the base GGUF's general.name. */
  readonly baseModel?: string;
}

export async function exportGgufToPeft(options: GgufToPeftOptions): Promise<ConversionSummary> {
  const existing = await readdir(options.outDirectory).catch(() => undefined);
  if (existing !== undefined && existing.length > 0) {
    throw new MaftError('INPUT_INVALID', 'the output directory exists and is not empty: name a new one', {
      file: options.outDirectory,
    });
  }
  const base = await readBaseModelInfo(options.basePath);
  const adapter = await readGgufLoraFile(options.adapterPath);
  const peft = ggufToPeftAdapter(adapter, base, options.baseModel ?? base.name ?? path.basename(options.basePath));
  const parent = path.dirname(path.resolve(options.outDirectory));
  await mkdir(parent, { recursive: true });
  const staging = path.join(
    parent,
    `.${path.basename(options.outDirectory)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  await mkdir(staging);
  try {
    await writeFile(path.join(staging, 'adapter_model.safetensors'), encodeSafetensors(peft.tensors, { format: 'pt' }));
    await writeFile(path.join(staging, 'adapter_config.json'), renderPeftConfig(peft.config));
    if (existing !== undefined) await rm(options.outDirectory, { recursive: true });
    await rename(staging, options.outDirectory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const ranks = [
    ...new Set(
      [...peft.tensors]
        .filter(([name]) => name.endsWith('lora_A.weight'))
        .map(([, tensor]) => tensor.shape[0] as number),
    ),
  ];
  const permuted =
    base.architecture === 'llama'
      ? [...peft.tensors.keys()].filter((name) => /[qk]_proj\.lora_B/.test(name)).length
      : 0;
  return {
    output: options.outDirectory,
    architecture: base.architecture,
    alpha: peft.config.alpha,
    weights: peft.tensors.size / 2,
    ranks,
    permuted,
  };
}

async function readRequired(file: string, encoding: 'utf8'): Promise<string> {
  try {
    return await readFile(file, encoding);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new MaftError('FILE_NOT_FOUND', 'no such file', { file });
    throw error;
  }
}
