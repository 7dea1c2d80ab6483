/**
 * A real llama.cpp `llama-server` for tests of the OpenAI-compatible backend: finds the binary that
 * scripts/build-llama-server.sh cached, starts it on 127.0.0.1 on a port the server picks itself (`--port 0`,
 * so two test files never race for one), waits until `/health` answers 200, and kills it when asked, when the
 * test file ends, or (as a last resort) when the test process exits.
 *
 * A missing binary skips the suites locally but fails them under CI (`CI` set), where a silently skipped
 * integration suite would look like a pass.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { cachedBinaryPath } from '../../src/backends/llama-server/binary.js';
import { waitUntilHealthy } from '../../src/backends/llama-server/wait-until-healthy.js';

export const notBuiltMessage = 'llama-server not built: run `bash scripts/build-llama-server.sh`';

export interface LlamaServerBinary {
  /** The executable, or undefined when it is missing (then `reason` says why). */
  path: string | undefined;
  reason: string;
}

/**
 * Where the binary is: `$MAFT_LLAMA_SERVER` when set (an explicit path must exist: no fallback), else the
 * build script's cache path for the llama.cpp commit node-llama-cpp ships. Under CI a missing binary throws.
 */
export function findLlamaServerBinary(env: NodeJS.ProcessEnv = process.env): LlamaServerBinary {
  const explicit = env.MAFT_LLAMA_SERVER;
  if (explicit !== undefined && explicit !== '') {
    if (!isExecutable(explicit)) throw new Error(`MAFT_LLAMA_SERVER=${explicit} is not an executable file`);
    return { path: explicit, reason: '' };
  }
  const cached = cachedBinaryPath(env);
  if (cached !== undefined && isExecutable(cached)) return { path: cached, reason: '' };
  const reason = `${notBuiltMessage} (looked for ${cached ?? 'the cache path, but node-llama-cpp’s source bundle is missing'})`;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') throw new Error(reason);
  return { path: undefined, reason };
}

/**
 * `<cache>/llama-server/<release>-<commit12>/llama-server`: the key the build script computes (the release name
 * node-llama-cpp records and the commit in its source bundle), as maft's own llama-server backend finds it.
 */
export { cachedBinaryPath };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface LlamaServerOptions {
  /** The GGUF model to serve. */
  modelPath: string;
  /** Compute threads (`--threads`, `--threads-batch`). Default 1: llama.cpp's workers spin, and tests run two files at once on 2 cores. */
  threads?: number;
  /** Total context in tokens over all slots (`--ctx-size`). Default 1024. */
  ctxSize?: number;
  /** Slots, i.e. requests decoded together (`--parallel`). Default 3. */
  parallel?: number;
  /** The name `/v1/models` lists and responses carry (`--alias`). Default the file name. */
  alias?: string;
  /**
   * LoRA adapters, ids 0, 1… in this order, loaded at scale 0 (`--lora-scaled <path>:0`) so that a request
   * without a `lora` field gets the base model and one with `lora: [{id, scale}]` gets exactly those scales.
   * (Plain `--lora` means scale 1 for every request that names no adapters; `--lora-init-without-apply` does
   * not change that in this release: /lora-adapters still reports scale 1 and requests get the adapter.)
   */
  loras?: readonly string[];
  /** Anything else, appended last. */
  extraArgs?: readonly string[];
  /** Bound on the wait for `/health`, in milliseconds. Default 20 000. */
  startupTimeoutMs?: number;
  /** The binary; default `findLlamaServerBinary()`. */
  binary?: string;
}

export interface LlamaServer {
  /** `http://127.0.0.1:<port>/v1`: what the OpenAI-compatible backend takes. */
  baseURL: string;
  /** `http://127.0.0.1:<port>`, for llama-server's own routes (`/health`, `/lora-adapters`). */
  origin: string;
  /** The name the model is served under. */
  model: string;
  /** Everything the server printed so far (it logs to stderr), for failure messages. */
  log(): string;
  /**
   * Stop the server and wait for it to exit: SIGTERM, then SIGKILL after `graceMs` (default 2 000). The
   * escalation matters: llama-server (this release) logs "cleaning up before exit" on SIGTERM but never exits
   * while a request is in flight, and that request never gets an answer. Idempotent.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Every server still running, killed synchronously if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const binary = options.binary ?? findLlamaServerBinary().path;
  if (binary === undefined) throw new Error(notBuiltMessage);
  const threads = String(options.threads ?? 1);
  const model = options.alias ?? path.basename(options.modelPath);
  const args = [
    '--model',
    options.modelPath,
    '--host',
    '127.0.0.1',
    '--port',
    '0', // the server binds a free port and logs it: no probe-then-bind race
    '--threads',
    threads,
    '--threads-batch',
    threads,
    '--threads-http',
    '4',
    '--ctx-size',
    String(options.ctxSize ?? 1024),
    '--parallel',
    String(options.parallel ?? 3),
    '--alias',
    model,
    '--no-ui',
    ...(options.loras ?? []).flatMap((lora) => ['--lora-scaled', `${adapterPathArg(lora)}:0`]),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const append = (chunk: Buffer): void => {
    // Keep the tail only: a long-running server logs every request.
    output = (output + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  // Gone: exited, or never started (a spawn error emits 'error' and no 'exit').
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    const done = (): void => {
      gone = true;
      running.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (error) => {
      output += `\nspawn failed: ${error.message}`;
      if (child.pid === undefined) done();
    });
  });

  const stop = async ({ graceMs = 2_000 }: { graceMs?: number } = {}): Promise<void> => {
    if (gone) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(killer);
  };

  try {
    const origin = await waitUntilHealthy({
      gone: () => gone,
      log: () => output,
      timeoutMs: options.startupTimeoutMs ?? 20_000,
      // A test failure shows the server's log tail, not maft's one line.
      fail: (why) => new Error(`llama-server ${why}; its log ends:\n${output.slice(-3_000)}`),
    });
    return { baseURL: `${origin}/v1`, origin, model, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** llama.cpp splits `--lora-scaled` at commas (several adapters) and at the colon before the scale. */
function adapterPathArg(file: string): string {
  if (/[,:]/.test(file)) throw new Error(`llama-server cannot take a LoRA path with "," or ":": ${file}`);
  return file;
}
