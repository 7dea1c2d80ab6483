import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import { isLoopbackHost } from '../../serve/api-key.js';
import { jsonlFileLogger, jsonlStreamLogger } from '../../serve/request-log.js';
import { createSocietyServer } from '../../serve/society-server.js';

/** Where `maft run` with no argument writes its run. */
const defaultRunDirectory = path.join('runs', 'default');

interface ServeFlags {
  host: string;
  port: string;
  threads?: string;
  concurrency?: string;
  queue?: string;
  timeout?: string;
  maxBody?: string;
  apiKeyEnv: string;
  corsOrigin?: string[];
  log?: string;
  logContent?: boolean;
}

function integerFlag(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new MaftError('CONFIG_INVALID', `expected an integer ≥ ${min}, got "${text}"`, { field: flag });
  return value;
}

/**
 * `maft serve [run-dir | config]`: the run's societies (or a config's base society; with no argument runs/default
 * when `maft run` made it, else the embedded default's base society)
 * behind OpenAI's chat-completions API until SIGTERM/SIGINT, which stops admitting requests (503), lets the
 * admitted ones finish, and exits. Binding anything but loopback needs an API key in $<--api-key-env>.
 */
export async function runServeCommand(target: string | undefined, flags: ServeFlags): Promise<void> {
  const port = integerFlag(flags.port, '--port', 0) ?? 8080;
  if (port > 65535)
    throw new MaftError('CONFIG_INVALID', `expected a port in 0..65535, got ${port}`, { field: '--port' });
  const apiKey = process.env[flags.apiKeyEnv] || undefined;
  if (!isLoopbackHost(flags.host) && apiKey === undefined) {
    throw new MaftError(
      'CONFIG_INVALID',
      `binding ${flags.host} (not loopback) needs an API key: set $${flags.apiKeyEnv} (or bind 127.0.0.1)`,
      { field: '--host' },
    );
  }
  const limits = {
    concurrency: integerFlag(flags.concurrency, '--concurrency', 1),
    queueSize: integerFlag(flags.queue, '--queue', 0),
    timeoutMs: integerFlag(flags.timeout, '--timeout', 1),
    maxBodyBytes: integerFlag(flags.maxBody, '--max-body', 1),
  };
  const threads = integerFlag(flags.threads, '--threads', 1);
  // No argument: what `maft run` with no argument made (runs/default), else the embedded default's base society.
  const served =
    target ?? (existsSync(path.join(defaultRunDirectory, 'config.json')) ? defaultRunDirectory : undefined);
  const society = await createSocietyServer({
    ...(served !== undefined ? { target: served } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)),
    apiKey,
    corsOrigins: flags.corsOrigin ?? [],
    log: flags.log !== undefined ? jsonlFileLogger(flags.log) : jsonlStreamLogger(process.stderr),
    logContent: flags.logContent === true,
  });
  const server = http.createServer(society.handle);
  server.on('clientError', (_error, socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, flags.host, () => resolve());
    });
  } catch (error) {
    await society.close();
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new MaftError('CONFIG_INVALID', `cannot listen on ${flags.host}:${port} (${code})`, { field: '--port' });
  }
  const address = server.address() as { address: string; port: number };
  const shown = address.address.includes(':') ? `[${address.address}]` : address.address;
  process.stderr.write(
    `maft serve: ${society.setup.source}; models ${society.models.join(', ')}\n` +
      `maft serve: listening on http://${shown}:${address.port}/v1${apiKey !== undefined ? ` (API key from $${flags.apiKeyEnv})` : ''}\n`,
  );
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      const { running, queued } = society.stats();
      process.stderr.write(
        `maft serve: ${signal}: finishing ${running + queued} admitted request(s), refusing new ones\n`,
      );
      process.once(signal as NodeJS.Signals, () => process.exit(1)); // a second signal does not wait
      server.close();
      void society.close().then(() => {
        server.closeAllConnections();
        process.stderr.write('maft serve: stopped\n');
        resolve();
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description("serve a run's (finetuned) societies as an OpenAI-compatible chat-completions endpoint")
    .argument(
      '[target]',
      'run directory or maft run config (default: runs/default if maft run made it, else the embedded default on the shipped model)',
    )
    .option('--host <host>', 'address to bind; anything but loopback needs an API key', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--threads <n>', "llama.cpp CPU threads (default: the config's)")
    .option('--concurrency <n>', 'requests answered at once (default 2)')
    .option('--queue <n>', 'requests waiting beyond those; more get 429 (default 32)')
    .option('--timeout <ms>', 'per-request time limit, queueing included (default 300000)')
    .option('--max-body <bytes>', 'largest request body (default 1048576)')
    .option('--api-key-env <name>', 'environment variable holding the API key clients must send', 'MAFT_API_KEY')
    .option('--cors-origin <origin...>', 'browser origins allowed to call (default none: CORS off); * for any')
    .option('--log <file>', 'append the JSONL request log here (default: stderr)')
    .option('--log-content', 'include messages and replies in the request log')
    .action(runServeCommand);
}
