/**
 * Where the ggml shared libraries live: the prebuilt binaries node-llama-cpp ships for this platform
 * (`@node-llama-cpp/<platform>-<arch>/bins/<platform>-<arch>/`). maft compiles nothing; it calls the very
 * libraries node-llama-cpp runs inference with, so training and inference share one ggml (same ops, same
 * numerics). The package is resolved from node-llama-cpp's own location, since it is node-llama-cpp's
 * dependency, not maft's.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MaftError } from '../../errors/maft-error.js';

export interface GgmlLibraryPaths {
  /** The folder holding libggml-base, libggml and the CPU variant libraries (libggml-cpu-*.so). */
  readonly directory: string;
  readonly base: string;
  readonly ggml: string;
}

/** Only CPU prebuilt packages are used: GPU variants would need their own backend loading and testing. */
const supportedPlatforms: Record<string, { readonly baseName: string; readonly ggmlName: string }> = {
  'linux-x64': { baseName: 'libggml-base.so', ggmlName: 'libggml.v0.5.0.so' },
};

export function locateGgmlLibraries(): GgmlLibraryPaths {
  const platform = `${process.platform}-${process.arch}`;
  const names = supportedPlatforms[platform];
  if (names === undefined) {
    throw new MaftError(
      'INTERNAL',
      `the embedded trainer supports ${Object.keys(supportedPlatforms).join(', ')}, not ${platform}`,
    );
  }
  let packageEntry: string;
  try {
    const fromMaft = createRequire(import.meta.url);
    const fromNodeLlamaCpp = createRequire(fromMaft.resolve('node-llama-cpp'));
    packageEntry = fromNodeLlamaCpp.resolve(`@node-llama-cpp/${platform}`);
  } catch (error) {
    throw new MaftError(
      'INTERNAL',
      `cannot find node-llama-cpp's prebuilt binaries (@node-llama-cpp/${platform})`,
      {},
      { cause: error },
    );
  }
  // The package entry is <package>/dist/index.js; the binaries sit in <package>/bins/<platform>/.
  const directory = path.join(path.dirname(packageEntry), '..', 'bins', platform);
  const paths = { directory, base: path.join(directory, names.baseName), ggml: path.join(directory, names.ggmlName) };
  for (const file of [paths.base, paths.ggml]) {
    if (!existsSync(file))
      throw new MaftError('INTERNAL', `ggml library missing: ${file} (node-llama-cpp version changed?)`);
  }
  return paths;
}
