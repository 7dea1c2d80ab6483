/**
 * Training jobs per core: the same set of embedded LoRA jobs, through the stage's own runFinetuneJobs (child
 * processes, tokenization, registry writes: everything the train stage does), three ways in one run:
 *   (a) serial, 1 thread;  (b) serial, 2 threads;  (c) 2 jobs at once, 1 thread each (trainer.parallelJobs: 2).
 * The jobs are a default run's first train stage: `maft debate --split finetune` of the embedded default (the
 * shipped model, 50 finetune problems of arithmetic 0..9, 3 agents × 2 rounds) and `maft build-data`, then the six
 * models of multiagent FT iteration 1 (3 generators, 3 critics) with the default run's trainer settings.
 *   npm run bench:training-jobs -- [--problems 50] [--repeats 1] [--rows-run <dir made by an earlier run>]
 * Prints wall seconds, trained tokens/s and the ratios to (a) and (b), and checks that (c) wrote the same adapter
 * files as (a), byte for byte. Runs alternate (a, b, c, a, b, c …) so drift in load hits every side alike. Say
 * next to any figure whether the machine was idle: with spinning ggml workers, (b) depends on free cores most.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedDefaultConfig, resolveRunConfig } from '../src/config/resolve-run-config.js';
import { runFinetuneJobs, type FinetuneJob, type TrainerSettings } from '../src/finetune/finetune-jobs.js';
import { adapterArtifact } from '../src/finetune/model-registry.js';
import { readRowsFile } from '../src/run-store/read-dataset-files.js';
import { openRun } from '../src/run-store/open-run.js';
import { embeddedTrainerSettings } from '../src/pipeline/stages.js';
import { scratchDirectory } from './scratch-directory.js';

const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const problems = Number(flag('problems', '50'));
const repeats = Number(flag('repeats', '1'));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const directory = scratchDirectory('training-jobs');

/** The rows: a default run's finetune debate and data (via the CLI, as a user makes them), or an earlier one's. */
function makeRows(): string {
  const given = flag('rows-run', '');
  if (given !== '') return given;
  const run = path.join(directory, 'rows-run');
  const cli = (args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`maft ${args[0]} failed:\n${result.stderr.slice(-2000)}`);
  };
  const started = performance.now();
  cli([
    'debate',
    ...['--run', run, '--task', 'arithmetic', '--max', '9', '--finetune-count', String(problems)],
    ...['--eval-count', '1', '--iterations', '1', '--methods', 'base,majority,debate,multiagent-ft'],
    ...['--split', 'finetune', '--threads', '1'],
  ]);
  cli(['build-data', run, '--method', 'multiagent-ft', '--iteration', '1']);
  console.log(
    `rows: ${problems}-problem finetune debate + build-data in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return run;
}

const rowsRun = makeRows();
const rowsDirectory = path.join(rowsRun, 'artifacts', 'data', 'multiagent-ft', 'iteration-1', 'rows');
const jobs: FinetuneJob[] = [0, 1, 2].flatMap((agent) =>
  (['generator', 'critic'] as const).map((role) => ({
    method: 'multiagent-ft' as const,
    iteration: 1,
    agent,
    role,
    rows: readRowsFile(path.join(rowsDirectory, `agent-${agent}-${role}.jsonl`)).map(({ row }) => row),
  })),
);

// The default run's trainer, as `maft run` resolves it (window = the model's context).
const { config } = await resolveRunConfig(embeddedDefaultConfig(), 'the embedded default');
if (config.trainer.kind !== 'embedded' || config.backend.kind === 'openai') throw new Error('unexpected default');
const { trainer } = config;
const settings = (threads: number): TrainerSettings => embeddedTrainerSettings(trainer, threads, config.seed);

interface Way {
  name: string;
  threads: number;
  parallelJobs: number;
}
const ways: Way[] = [
  { name: '(a) serial, 1 thread       ', threads: 1, parallelJobs: 1 },
  { name: '(b) serial, 2 threads      ', threads: 2, parallelJobs: 1 },
  { name: '(c) 2 jobs at once, 1 each ', threads: 1, parallelJobs: 2 },
];
interface Measured {
  seconds: number;
  tokens: number;
  adapters: Buffer[];
}
const measured = new Map<string, Measured[]>(ways.map((way) => [way.name, []]));
let count = 0;
for (let repeat = 0; repeat < repeats; repeat++) {
  for (const way of ways) {
    const run = openRun(path.join(directory, `train-${count++}`), { bench: way.name }, { command: ['bench'] });
    const started = performance.now();
    const outcome = await runFinetuneJobs(run, config.backend.model, jobs, settings(way.threads), () => {}, {
      parallelJobs: way.parallelJobs,
    });
    const seconds = (performance.now() - started) / 1000;
    if (outcome.failed.length > 0) throw new Error(`${way.name}: ${outcome.failed[0]?.reason}`);
    const tokens = outcome.entries.reduce(
      (sum, entry) => sum + ((entry.result?.tokensPerSecond ?? 0) * (entry.result?.elapsedMs ?? 0)) / 1000,
      0,
    );
    const adapters = jobs.map((job) => readFileSync(run.artifactPath(adapterArtifact(job))));
    run.close();
    measured.get(way.name)?.push({ seconds, tokens, adapters });
    console.log(`  ${way.name} ${seconds.toFixed(1)} s (load average ${os.loadavg()[0]?.toFixed(2)})`);
  }
}

const rows = jobs.map((job) => job.rows.length);
console.log(
  `training jobs per core: multiagent FT iteration 1 of a default run (${jobs.length} jobs, ${rows.join(' / ')} rows: ` +
    `generator / critic per agent), rank ${trainer.rank}, ${trainer.epochs} epochs, ${trainer.windowLength}-token windows, ` +
    `${os.availableParallelism()} cores, node ${process.version}, load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
);
const rate = (runs: Measured[]) =>
  runs.reduce((sum, run) => sum + run.tokens, 0) / runs.reduce((sum, run) => sum + run.seconds, 0);
const rates = ways.map((way) => rate(measured.get(way.name) ?? []));
ways.forEach((way, index) => {
  const runs = measured.get(way.name) ?? [];
  const rateHere = rates[index] ?? 0;
  console.log(
    `${way.name} ${runs.map((run) => `${run.seconds.toFixed(1)} s`).join(', ')} = ${rateHere.toFixed(0)} trained tok/s` +
      `; ×${(rateHere / (rates[0] ?? 1)).toFixed(2)} of (a), ×${(rateHere / (rates[1] ?? 1)).toFixed(2)} of (b)`,
  );
});
const serial = measured.get(ways[0]?.name ?? '') ?? [];
const parallel = measured.get(ways[2]?.name ?? '') ?? [];
const same = [...serial, ...parallel].every((run) =>
  run.adapters.every((bytes, index) => bytes.equals(serial[0]?.adapters[index] ?? Buffer.alloc(0))),
);
console.log(`(c) wrote the same ${jobs.length} adapter files as (a), byte for byte: ${same ? 'yes' : 'NO'}`);
