/**
 * Start one `llama-server` on 127.0.0.1 with a base model and GGUF LoRA adapters (ids 0, 1… in the order
 * given, each at scale 0 until a request names it), wait until it answers `/health`, and stop it.
 *
 * No orphan: the server runs under a small Node guardian (`node -e`, below) that polls its parent's pid and
 * SIGKILLs the server the moment maft is gone (kill -9 included: maft cannot clean up then) — the same rule as
 * the trainer child's watchdog (src/finetune/orphan-watchdog.ts). maft also kills it on a normal exit.
 * Only a SIGKILL of the guardian itself could leave the server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { MaftError } from '../../errors/maft-error.js';
import { waitUntilHealthy } from './wait-until-healthy.js';

export interface LlamaServerLaunch {
  binary: string;
  model: string;
  /** GGUF adapter files; the server gives them ids 0, 1… in this order. */
  adapters: readonly string[];
  threads: number;
  /** Tokens of context per slot (the server's --ctx-size is this × parallel). */
  contextSize: number;
  parallel: number;
  /** The name requests use as `model` (--alias). */
  alias: string;
  startupTimeoutMs: number;
  extraArgs: readonly string[];
}

export interface RunningLlamaServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  adapters: readonly string[];
  pid: number | undefined;
  log(): string;
  /** Stop the server (SIGTERM, SIGKILL after 2 s) and wait until it and its guardian have exited. */
  stop(): Promise<void>;
}

/** How often the guardian looks at its parent, in milliseconds. */
const guardianIntervalMs = 200;
/**
 * Told to stop, the guardian sends the server SIGTERM, then SIGKILL after this many milliseconds (llama-server
 * does not exit while a request is in flight). The escalation lives in the guardian: a SIGKILLed guardian would
 * leave its server running.
 */
const stopGraceMs = 2_000;

const guardianSource = `
const { spawn } = require('node:child_process');
const [parent, binary, ...args] = process.argv.slice(1);
const server = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const end = (signal) => { try { server.kill(signal); } catch {} };
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => { end('SIGTERM'); setTimeout(() => end('SIGKILL'), ${stopGraceMs}); });
server.on('error', (error) => { process.stderr.write('spawn failed: ' + error.message + '\\n'); process.exit(127); });
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
setInterval(() => { if (String(process.ppid) !== parent) { end('SIGKILL'); process.exit(1); } }, ${guardianIntervalMs});
`;

/**
 * Guardians still running, told to stop (SIGTERM, which they forward) if maft exits without stopping them; a
 * server that does not exit is SIGKILLed by its guardian once it sees maft gone. (Never SIGKILL a guardian: its
 * server would outlive it.)
 */
const running = new Set<ChildProcess>();
let exitHook = false;

/** The command line (pure: what the tests check and the docs show). */
export function llamaServerArgs(launch: LlamaServerLaunch): string[] {
  for (const adapter of launch.adapters)
    if (/[,:]/.test(adapter))
      throw new MaftError('CONFIG_INVALID', 'llama-server cannot take an adapter path containing "," or ":"', {
        file: adapter,
      });
  const threads = String(launch.threads);
  return [
    ...['--model', launch.model, '--host', '127.0.0.1', '--port', '0'],
    ...['--threads', threads, '--threads-batch', threads, '--threads-http', '2'],
    ...['--ctx-size', String(launch.contextSize * launch.parallel), '--parallel', String(launch.parallel)],
    ...['--alias', launch.alias, '--no-ui'],
    // `--lora-scaled <file>:0`: loaded, applied to no request unless it names the id. (`--lora` with
    // `--lora-init-without-apply` should do the same but still reported scale 1 in this release.)
    ...launch.adapters.flatMap((adapter) => ['--lora-scaled', `${adapter}:0`]),
    ...launch.extraArgs,
  ];
}

export async function startLlamaServer(launch: LlamaServerLaunch): Promise<RunningLlamaServer> {
  const args = llamaServerArgs(launch);
  const child = spawn(process.execPath, ['-e', guardianSource, '--', String(process.pid), launch.binary, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const guardian of running) guardian.kill('SIGTERM');
    });
  }
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      running.delete(child);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (gone) return;
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const origin = await waitUntilHealthy({
      gone: () => gone,
      log: () => output,
      timeoutMs: launch.startupTimeoutMs,
      // One line for the CLI's error boundary: what the server said last, not its whole log.
      fail: (why) =>
        new MaftError('ENDPOINT_UNREACHABLE', `llama-server ${why} (${lastErrorLine(output)})`, { field: 'backend' }),
    });
    return { origin, adapters: [...launch.adapters], pid: child.pid, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The line of the server's log that says what went wrong, for a one-line error. */
function lastErrorLine(log: string): string {
  const lines = log
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const errors = lines.filter((line) => /error|failed|invalid|cannot|unable/i.test(line));
  return (errors[errors.length - 1] ?? lines[lines.length - 1] ?? 'no output').slice(0, 300);
}
