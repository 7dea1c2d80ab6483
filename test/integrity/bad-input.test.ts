/**
 * The bad-input suite: malformed configs, task files, GGUF and adapter files, damaged run directories and bad
 * flags, each through the real program (in this process, so the suite stays fast). Every case must end with
 * one line `maft: error [CODE]: …` naming the file, line or field at fault, a non-zero exit code, and the
 * directory it names exactly as it was (or still absent). A finished run made once by `maft run` is copied
 * and damaged for the run-directory cases.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, shippedBaseModel } from '../../src/config/resolve-run-config.js';
import { readConfigFileResolved } from '../../src/config/validate-config.js';
import { openRun } from '../../src/run-store/open-run.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { tinyAdapter } from '../helpers/tiny-adapter.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('bad-input');
const at = (...parts: string[]) => path.join(directory, ...parts);
const finished = at('finished');
const goodConfig = [
  'task: { name: arithmetic, options: { max: 9 } }',
  'split: { finetuneCount: 3, evalCount: 3 }',
  'methods: [base, majority, debate]',
  'iterations: 0',
  'society: { agents: 3, rounds: 1 }',
  'sampling: { maxTokens: 64 }',
  `backend: { kind: llama-cpp, model: ${JSON.stringify(shippedBaseModel)}, threads: 1, contextSize: 1024 }`,
  'problemConcurrency: 1',
  '',
].join('\n');
const gsmLine = (question: string, answer: string) => JSON.stringify({ question, answer });
const evalRecords = (run: string) => path.join(run, 'records', 'base', 'eval.jsonl');

/** A config file: the good one with `replace` applied line by line, or `text` whole. */
function config(name: string, text: string): string {
  writeFileSync(at(name), text);
  return at(name);
}
const withTask = (task: string) => goodConfig.replace(/^task: .*$/m, task);
const withBackend = (model: string) =>
  goodConfig.replace(
    /^backend: .*$/m,
    `backend: { kind: llama-cpp, model: ${JSON.stringify(model)}, threads: 1, contextSize: 1024 }`,
  );

const firstRecord = (run: string) =>
  JSON.parse(readFileSync(evalRecords(run), 'utf8').split('\n')[0] as string) as Record<string, unknown>;
const appendRecord = (run: string, record: unknown) =>
  writeFileSync(evalRecords(run), `${JSON.stringify(record)}\n`, { flag: 'a' });

interface BadInput {
  name: string;
  /** The command line (made when the case runs, after beforeAll). */
  args: () => string[];
  /** What the one error line must name. */
  names: RegExp;
  /** The directory that must be left as it was (absent stays absent). */
  watch: () => string;
}

const cases: BadInput[] = [];
const newRun = (name: string) => at('runs', name);
const runConfig = (name: string, text: string, names: RegExp) =>
  cases.push({
    name: `config: ${name}`,
    args: () => ['run', config(`${name.replace(/\W+/g, '-')}.yaml`, text), '--run', newRun(name)],
    names,
    watch: () => newRun(name),
  });

// Configs (maft run <config>): nothing may be created.
runConfig('YAML syntax error', 'task: { name: arithmetic\nsplit: [\n', /\.yaml:\d+: /);
runConfig('a list at the top level', '- task\n- split\n', /\.yaml: expected a mapping/);
runConfig('unknown key', `${goodConfig}agentz: 3\n`, /agentz/);
runConfig('wrong type', goodConfig.replace('iterations: 0', 'iterations: two'), /iterations: /);
runConfig('count out of range', goodConfig.replace('evalCount: 3', 'evalCount: 0'), /split\.evalCount: /);
runConfig('unknown task', withTask('task: { name: nosuch }'), /task: unknown task "nosuch"/);
runConfig(
  'missing task file',
  withTask('task: { name: gsm8k, options: { path: no-such.jsonl } }'),
  /no-such\.jsonl: no such file/,
);
runConfig(
  'GSM8K line without answer',
  withTask('task: { name: gsm8k, options: { path: gsm-missing.jsonl } }'),
  /gsm-missing\.jsonl:3: answer: missing/,
);
runConfig(
  'GSM8K line not JSON',
  withTask('task: { name: gsm8k, options: { path: gsm-not-json.jsonl } }'),
  /gsm-not-json\.jsonl:2: invalid JSON/,
);
runConfig(
  'GSM8K answer without ####',
  withTask('task: { name: gsm8k, options: { path: gsm-no-marker.jsonl } }'),
  /gsm-no-marker\.jsonl:1: answer: expected the solution to end/,
);
runConfig(
  'task file not UTF-8',
  withTask('task: { name: gsm8k, options: { path: gsm-latin1.jsonl } }'),
  /gsm-latin1\.jsonl:2: invalid UTF-8/,
);
runConfig(
  'empty task file',
  withTask('task: { name: gsm8k, options: { path: gsm-empty.jsonl } }'),
  /gsm-empty\.jsonl: task gsm8k has no problems/,
);
runConfig(
  'jsonl task without answerType',
  withTask('task: { name: jsonl, options: { path: gsm-good.jsonl } }'),
  /answerType/,
);
runConfig(
  'unknown method',
  goodConfig.replace('methods: [base, majority, debate]', 'methods: [base, nosuch]'),
  /methods\.1: /,
);
runConfig(
  'method listed twice',
  goodConfig.replace('methods: [base, majority, debate]', 'methods: [base, base]'),
  /methods\.1: base is listed twice/,
);
runConfig(
  'a secret in the config',
  goodConfig.replace(
    /^backend: .*$/m,
    'backend: { kind: openai, baseUrl: "http://127.0.0.1:9/v1", model: m, apiKey: sk-123 }',
  ),
  /sec.*\.yaml: backend: Unrecognized key: "apiKey"/,
);
runConfig('missing prompts file', `${goodConfig}promptsFile: no-prompts.yaml\n`, /no-prompts\.yaml/);
runConfig('missing model file', withBackend('no-model.gguf'), /no-model\.gguf: no such model file/);
runConfig('model that is not GGUF', withBackend('not-gguf.gguf'), /not-gguf\.gguf: model file is not a GGUF file/);
runConfig('truncated GGUF model', withBackend('truncated.gguf'), /truncated\.gguf: model file is truncated/);
runConfig('empty model file', withBackend('empty.gguf'), /empty\.gguf: model file is not a GGUF file \(.*empty/);
runConfig('an adapter as the model', withBackend('adapter.gguf'), /adapter\.gguf: model file is a LoRA adapter/);
runConfig(
  'a truncated adapter as the model',
  withBackend('adapter-truncated.gguf'),
  /adapter-truncated\.gguf: model file is truncated/,
);
cases.push({
  name: 'config: no such config file',
  args: () => ['run', at('no-such.yaml'), '--run', newRun('no-config')],
  names: /no-such\.yaml: cannot read the config file/,
  watch: () => newRun('no-config'),
});

// Flags.
const runFlags = (name: string, flags: string[], names: RegExp) =>
  cases.push({
    name: `flag: ${name}`,
    args: () => ['run', at('good.yaml'), '--run', newRun(name), ...flags],
    names,
    watch: () => newRun(name),
  });
runFlags('--finetune-count abc', ['--finetune-count', 'abc'], /--finetune-count: expected a number, got "abc"/);
runFlags('--iterations 1.5', ['--iterations', '1.5'], /--iterations: expected a whole number/);
runFlags('--threads x', ['--threads', 'x'], /--threads: expected a number/);
runFlags('--eval-count 0', ['--eval-count', '0'], /split\.evalCount: /);
runFlags('--methods nosuch', ['--methods', 'base,nosuch'], /methods\.1: /);
cases.push({
  name: 'flag: eval --iteration 5 on a run of 0 iterations',
  args: () => ['eval', finished, '--iteration', '5'],
  names: /--iteration: expected a whole number from 0/,
  watch: () => finished,
});
cases.push({
  name: 'flag: debate --method star on a run without it',
  args: () => ['debate', '--run', finished, '--method', 'star'],
  names: /--method: "star" is not a finetuning method/,
  watch: () => finished,
});
cases.push({
  name: 'flag: problems --split sideways',
  args: () => ['problems', '--task', 'arithmetic', '--split', 'sideways'],
  names: /--split: expected finetune or eval/,
  watch: () => finished,
});
cases.push({
  name: 'flag: problems --limit -1',
  args: () => ['problems', '--task', 'arithmetic', '--limit', '-1'],
  names: /--limit: /,
  watch: () => finished,
});
cases.push({
  name: 'flag: problems of an empty file, no --split',
  args: () => ['problems', '--task', 'gsm8k', '--path', at('gsm-empty.jsonl')],
  names: /gsm-empty\.jsonl: task gsm8k has no problems/,
  watch: () => at('gsm-empty.jsonl'),
});
cases.push({
  name: 'flag: base-model --out over an existing file',
  args: () => ['base-model', '--out', at('good.yaml')],
  names: /good\.yaml: --out: already exists/,
  watch: () => at('good.yaml'),
});
cases.push({
  name: 'flag: base-model --critic that is no style',
  args: () => ['base-model', '--out', at('never.gguf'), '--critic', 'lenient'],
  names: /--critic: expected one of weighed, checks, checks-always, careful, columns, got "lenient"/,
  watch: () => at('never.gguf'),
});

// Run directories: a damaged copy of the finished run, read by status (read-only), eval and run (writers).
const damagedRun = (name: string, command: 'status' | 'eval' | 'run', damage: (run: string) => void, names: RegExp) => {
  const run = at('damaged', `${command}-${name.replace(/\W+/g, '-')}`);
  const args = command === 'run' ? ['run', at('good.yaml'), '--run', run] : [command, run];
  cases.push({
    name: `run directory (${command}): ${name}`,
    args: () => {
      mkdirSync(path.dirname(run), { recursive: true });
      cpSync(finished, run, { recursive: true });
      damage(run);
      return args;
    },
    names,
    watch: () => run,
  });
};
const foreign = (run: string) =>
  appendRecord(run, { ...firstRecord(run), producer: { config: '0123456789abcdef', stage: 'base/eval' } });
for (const command of ['status', 'eval', 'run'] as const) {
  damagedRun(
    'a record from another config',
    command,
    foreign,
    /records\/base\/eval\.jsonl:4: producer\.config: written under another config/,
  );
  damagedRun(
    'a duplicate problem',
    command,
    (run) => appendRecord(run, firstRecord(run)),
    /records\/base\/eval\.jsonl:4: problemId: duplicate problem/,
  );
  damagedRun(
    'a record without its producer',
    command,
    (run) => appendRecord(run, { ...firstRecord(run), producer: undefined }),
    /records\/base\/eval\.jsonl:4: producer: missing/,
  );
}
damagedRun(
  'a record of another stage',
  'status',
  (run) =>
    appendRecord(run, {
      ...firstRecord(run),
      producer: { ...(firstRecord(run)['producer'] as object), stage: 'base/finetune' },
    }),
  /eval\.jsonl:4: producer\.stage: written by stage base\/finetune/,
);
damagedRun(
  'a problem not of the stage',
  'run',
  (run) => appendRecord(run, { ...firstRecord(run), problemId: 'arithmetic/9999' }),
  /eval\.jsonl:4: problemId: "arithmetic\/9999" is not one of this stage's problems/,
);
damagedRun(
  'a torn last line in a finished stage',
  'status',
  (run) => writeFileSync(evalRecords(run), readFileSync(evalRecords(run)).subarray(0, -40)),
  /eval\.jsonl:3: torn last line .* marked done/,
);
damagedRun(
  'a finished stage missing its records file',
  'status',
  (run) => writeFileSync(evalRecords(run), ''),
  /eval\.jsonl: stage base\/eval is marked done with 0 of its 3 records/,
);
damagedRun(
  'a bad line in the middle',
  'status',
  (run) => writeFileSync(evalRecords(run), `garbage\n${readFileSync(evalRecords(run), 'utf8')}`),
  /eval\.jsonl:1: invalid JSON/,
);
damagedRun(
  'a truncated manifest',
  'status',
  (run) =>
    writeFileSync(path.join(run, 'manifest.json'), readFileSync(path.join(run, 'manifest.json')).subarray(0, 50)),
  /manifest\.json: not valid JSON/,
);
damagedRun(
  'a manifest of an unknown format',
  'status',
  (run) =>
    writeFileSync(
      path.join(run, 'manifest.json'),
      JSON.stringify({ ...(JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as object), format: 9 }),
    ),
  /manifest\.json: unknown manifest format 9/,
);
damagedRun(
  'a config.json that is not JSON',
  'status',
  (run) => writeFileSync(path.join(run, 'config.json'), '{ "task": '),
  /config\.json: not valid JSON/,
);
damagedRun(
  'a truncated manifest',
  'run',
  (run) =>
    writeFileSync(path.join(run, 'manifest.json'), readFileSync(path.join(run, 'manifest.json')).subarray(0, 50)),
  /manifest\.json: not valid JSON/,
);
damagedRun(
  'a lock held on another host',
  'run',
  (run) =>
    writeFileSync(
      path.join(run, 'lock'),
      `${JSON.stringify({ pid: 1, hostname: 'elsewhere', startedAt: '2026-12-01T00:00:00Z', command: ['run'] })}\n`,
    ),
  /lock: the run is held by pid 1 .* on host elsewhere/,
);
damagedRun(
  'a different config',
  'run',
  (run) =>
    writeFileSync(
      path.join(run, 'config.json'),
      JSON.stringify({ ...(JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8')) as object), seed: 7 }),
    ),
  /config\.json: this run was created with a different config: seed: 7 → 0/,
);
cases.push({
  name: 'run directory (status): no such directory',
  args: () => ['status', at('nowhere')],
  names: /nowhere: no such run directory/,
  watch: () => at('nowhere'),
});
cases.push({
  name: 'run directory (run): a file, not a directory',
  args: () => ['run', at('good.yaml'), '--run', at('gsm-good.jsonl')],
  names: /gsm-good\.jsonl: the run directory is a file/,
  watch: () => at('gsm-good.jsonl'),
});
cases.push({
  name: 'run directory (run): a directory that is not a run',
  args: () => ['run', at('good.yaml'), '--run', at('damaged')],
  names: /damaged: not a maft run/,
  watch: () => at('damaged'),
});

beforeAll(async () => {
  writeFileSync(at('good.yaml'), goodConfig);
  const good = gsmLine('Tom has 2 apples and buys 3. How many?', '2+3=5\n#### 5');
  writeFileSync(at('gsm-good.jsonl'), `${good}\n${gsmLine('What is 4 times 2?', '4*2=8\n#### 8')}\n`);
  writeFileSync(
    at('gsm-missing.jsonl'),
    `${good}\n${good.replace('Tom', 'Ann')}\n${JSON.stringify({ question: 'No answer here?' })}\n`,
  );
  writeFileSync(at('gsm-not-json.jsonl'), `${good}\n{"question": "cut\n`);
  writeFileSync(at('gsm-no-marker.jsonl'), `${gsmLine('What is 1+1?', 'it is 2')}\n`);
  writeFileSync(
    at('gsm-latin1.jsonl'),
    Buffer.concat([
      Buffer.from(`${good}\n`),
      Buffer.from('{"question": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('?", "answer": "#### 1"}\n'),
    ]),
  );
  writeFileSync(at('gsm-empty.jsonl'), '');
  writeFileSync(at('not-gguf.gguf'), 'this is not a model\n');
  writeFileSync(at('empty.gguf'), '');
  const shipped = readFileSync(shippedBaseModel);
  writeFileSync(at('truncated.gguf'), shipped.subarray(0, Math.floor(shipped.length / 2)));
  await writeGgufFile(at('adapter.gguf'), tinyAdapter());
  const adapter = readFileSync(at('adapter.gguf'));
  writeFileSync(at('adapter-truncated.gguf'), adapter.subarray(0, adapter.length - 100));
  mkdirSync(at('damaged'), { recursive: true });
  const made = await runInProcess(['run', at('good.yaml'), '--run', finished]);
  expect(made.status, made.stderr.slice(-1500)).toBe(0);
}, 600_000);

describe('bad input', () => {
  it(`has at least 40 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name', async ({ args, names, watch }) => {
    const argv = args();
    const before = snapshotDirectory(watch());
    const result = await runInProcess(argv);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(result.status, result.stderr).not.toBe(0);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^maft: error \[[A-Z_]+\]: /);
    expect(lines[0]).toMatch(names);
    expect(snapshotDirectory(watch())).toEqual(before);
  });

  it('leaves no stage running after a command failed before doing work (maft finetune on a run without data)', async () => {
    const run = at('no-data');
    const made = config(
      'no-data.yaml',
      goodConfig
        .replace('methods: [base, majority, debate]', 'methods: [base, multiagent-ft]')
        .replace('iterations: 0', 'iterations: 1'),
    );
    const { config: resolved } = await resolveRunConfig(readConfigFileResolved(made), 'test');
    openRun(run, resolved, { command: ['test'] }).close();
    const result = await runInProcess(['finetune', run]);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/stage multiagent-ft\/iteration-1\/data is pending, not done: run maft build-data/);
    const manifest = JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as {
      stages: Record<string, unknown>;
    };
    expect(manifest.stages).toEqual({});
  });
});
