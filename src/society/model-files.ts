/**
 * From a society plan's ModelRefs to what a backend loads (pure but for the adapter-file check): which refs a
 * backend refuses, with one line saying why, and where an adapter's file is.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BackendConfig } from '../config/config-sections.js';
import { MaftError } from '../errors/maft-error.js';
import { describeModelRef, type ModelRef } from '../spec/model-ref.js';

/**
 * An adapter ref's file: an artifact name of the run (`models/…/agent-0-generator.gguf`) through `adapterPath`,
 * or an absolute path as it is (a society file given to `maft debate --society`, resolved against its own
 * directory).
 */
export function adapterFile(name: string, adapterPath: (name: string) => string): string {
  return path.isAbsolute(name) ? name : adapterPath(name);
}

/** As adapterFile, for the llama.cpp backends: a PEFT directory (an `hf` job's only product) is one line. */
export function ggufAdapterFile(name: string, adapterPath: (name: string) => string, backend: BackendConfig): string {
  const file = adapterFile(name, adapterPath);
  if (existsSync(file) && statSync(file).isDirectory())
    throw new MaftError(
      'CONFIG_INVALID',
      `a PEFT adapter directory; the ${backend.kind} backend applies GGUF adapters (convert it with maft adapter convert ${file} --base <model.gguf> --out <adapter.gguf>)`,
      { file, field: 'backend.kind' },
    );
  return file;
}

/** The adapter of a ref on a backend that applies adapter files; a served name is refused with one line. */
export function adapterOf(ref: ModelRef | undefined, backend: BackendConfig): string | undefined {
  if (ref === undefined) return undefined;
  if ('adapter' in ref) return ref.adapter;
  throw new MaftError(
    'CONFIG_INVALID',
    `the ${backend.kind} backend applies adapter files to ${backend.kind === 'openai' ? 'its model' : backend.model}; it cannot serve ${describeModelRef(ref)} (a served name needs backend.kind openai on the server that serves it)`,
    { field: 'backend.kind' },
  );
}
