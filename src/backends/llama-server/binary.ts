/**
 * Which `llama-server` executable maft starts: the config's `binary`, else `$MAFT_LLAMA_SERVER` (what CI's
 * .ci/run sets), else the path scripts/build-llama-server.sh caches it under for the llama.cpp commit that
 * node-llama-cpp ships (`<cache>/llama-server/<release>-<commit12>/llama-server`). A missing one is one line.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MaftError } from '../../errors/maft-error.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function findLlamaServerBinary(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = configured ?? (env.MAFT_LLAMA_SERVER !== '' ? env.MAFT_LLAMA_SERVER : undefined);
  const field = configured !== undefined ? 'backend.binary' : 'MAFT_LLAMA_SERVER';
  if (explicit !== undefined) {
    if (!isExecutable(explicit))
      throw new MaftError('FILE_NOT_FOUND', 'llama-server is not an executable file here', { file: explicit, field });
    return explicit;
  }
  const cached = cachedBinaryPath(env);
  if (cached !== undefined && isExecutable(cached)) return cached;
  throw new MaftError(
    'FILE_NOT_FOUND',
    `no llama-server: set backend.binary or MAFT_LLAMA_SERVER, or build it with \`npm run build:llama-server\` (looked for ${cached ?? 'the build cache'})`,
    { field: 'backend.binary' },
  );
}

/** The build script's cache key: node-llama-cpp's release name and the commit in its source bundle's header. */
export function cachedBinaryPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const llamaDir = path.join(packageRoot, 'node_modules', 'node-llama-cpp', 'llama');
  let commit: string | undefined;
  try {
    const header = readFileSync(path.join(llamaDir, 'gitRelease.bundle')).subarray(0, 4096).toString('latin1');
    commit = /^([0-9a-f]{40}) /m.exec(header)?.[1];
  } catch {
    return undefined;
  }
  if (commit === undefined) return undefined;
  let release = 'unknown';
  try {
    const parsed = JSON.parse(readFileSync(path.join(llamaDir, 'binariesGithubRelease.json'), 'utf8')) as {
      release?: unknown;
    };
    if (typeof parsed.release === 'string' && parsed.release !== '') release = parsed.release;
  } catch {
    // "unknown", as the build script writes it
  }
  const root =
    env.MAFT_CACHE_DIR !== undefined && env.MAFT_CACHE_DIR !== ''
      ? env.MAFT_CACHE_DIR
      : path.join(homedir(), '.cache', 'maft');
  return path.join(root, 'llama-server', `${release}-${commit.slice(0, 12)}`, 'llama-server');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
