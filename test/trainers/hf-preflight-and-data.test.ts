/**
 * Before an `hf` job: the Python and its packages (Debian's python3 has none of torch/transformers/peft — a real
 * case here), and the data contract: rows written by maft's TRL exporter pass the script's own check, bad rows
 * are refused with file:line: field. Also the job runner on a CUDA failure mid-job (a stand-in process that
 * speaks the script's output contract: a GPU cannot fail on demand here).
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMaftError } from '../../src/errors/maft-error.js';
import { exportTrlPromptCompletionJsonl } from '../../src/finetune-data/export/trl-prompt-completion.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';
import { validateHfData } from '../../src/trainers/hf/launch-hf-job.js';
import { checkHfPython, hfTrainScript } from '../../src/trainers/hf/preflight.js';
import { runHfJob } from '../../src/trainers/hf/run-hf-job.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-hf-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const metadata = {
  agent: 0,
  role: 'generator',
  iteration: 1,
  problemId: 'p1',
  sourceRound: 1,
  kind: 'generator',
  answer: '4',
  majority: '4',
} as const;
const rows: TrainingRow[] = [
  {
    prompt: [{ role: 'user', content: 'What is 2+2?' }],
    completion: { role: 'assistant', content: 'It is \\boxed{4}.' },
    metadata,
  },
  {
    prompt: [
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: 'It is \\boxed{5}.' },
      { role: 'user', content: 'Other agents said 4. Update your answer.' },
    ],
    completion: { role: 'assistant', content: 'Rechecking: \\boxed{4}.' },
    metadata: { ...metadata, role: 'critic', kind: 'critic-corrected', sourceRound: 2 },
  },
];

function expectOneLineError(action: () => unknown, message: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(isMaftError(error)).toBe(true);
    const line = isMaftError(error) ? error.toOneLine() : '';
    expect(line).not.toContain('\n');
    expect(line).toMatch(message);
    return;
  }
  throw new Error('expected an error');
}

describe('hf preflight', () => {
  it("Debian's python3 without the packages: one line naming all of them, deepspeed too for a ZeRO-3 config", () => {
    expectOneLineError(
      () => checkHfPython('/usr/bin/python3'),
      /python: \/usr\/bin\/python3 \(Python 3\.\d+\.\d+\) lacks torch, transformers, peft, accelerate: pip install torch transformers peft accelerate$/,
    );
    expectOneLineError(
      () => checkHfPython('/usr/bin/python3', ['deepspeed']),
      /lacks torch, transformers, peft, accelerate, deepspeed/,
    );
  });

  it('a Python with everything but peft names peft alone', async () => {
    // Importable stand-ins for the other packages (find_spec only looks them up), and a python that sees them.
    const site = path.join(directory, 'site');
    for (const name of ['torch', 'transformers', 'accelerate']) {
      await mkdir(path.join(site, name), { recursive: true });
      await writeFile(path.join(site, name, '__init__.py'), '');
    }
    const python = path.join(directory, 'python-without-peft');
    await writeFile(python, `#!/bin/sh\nPYTHONPATH=${site} exec /usr/bin/python3 "$@"\n`);
    await chmod(python, 0o755);
    expectOneLineError(() => checkHfPython(python), /lacks peft: pip install peft$/);
  });

  it('no Python at all', () => {
    expectOneLineError(
      () => checkHfPython(path.join(directory, 'no-such-python')),
      /Python not found: .*no-such-python/,
    );
  });
});

describe('hf data contract', () => {
  it("rows from maft's TRL exporter pass the script's check", async () => {
    const file = path.join(directory, 'rows.jsonl');
    await writeFile(file, exportTrlPromptCompletionJsonl(rows));
    expect(validateHfData('/usr/bin/python3', file)).toBe(2);
  });

  it.each([
    [
      '{"prompt": [], "completion": [{"role": "assistant", "content": "x"}]}',
      /bad\.jsonl:2: prompt: expected a non-empty list/,
    ],
    [
      '{"prompt": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "completion": [{"role": "assistant", "content": "x"}]}',
      /bad\.jsonl:2: prompt: the last message must be the user's/,
    ],
    [
      '{"prompt": [{"role": "user", "content": "q"}], "completion": [{"role": "user", "content": "x"}]}',
      /bad\.jsonl:2: completion: expected one assistant message/,
    ],
    [
      '{"prompt": [{"role": "robot", "content": "q"}], "completion": [{"role": "assistant", "content": "x"}]}',
      /bad\.jsonl:2: prompt\.0: expected \{role/,
    ],
    ['not json', /bad\.jsonl:2: not JSON/],
  ])('refuses %s', async (line, message) => {
    const file = path.join(directory, 'bad.jsonl');
    await writeFile(file, `${exportTrlPromptCompletionJsonl(rows.slice(0, 1))}${line}\n`);
    expectOneLineError(() => validateHfData('/usr/bin/python3', file), message);
  });

  it('the script documents its contract in --help without torch', () => {
    const help = spawnSync('/usr/bin/python3', [hfTrainScript, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const flag of [
      '--data',
      '--model',
      '--output',
      '--method',
      '--init-adapter',
      '--lora-rank',
      '--lora-alpha',
      '--lora-dropout',
      '--lora-targets',
      '--validate-only',
      '--check-packages',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});

describe('hf job runner', () => {
  it('a CUDA error mid-job: one line, the losses before it kept in the log and returned to the caller', async () => {
    const standIn = path.join(directory, 'cuda-fails.sh');
    await writeFile(
      standIn,
      [
        '#!/bin/sh',
        'echo \'{"event": "start", "rows": 2}\'',
        'echo \'{"event": "loss", "step": 1, "epoch": 0.5, "loss": 2.5, "learning_rate": 0.0002}\'',
        'echo \'{"event": "loss", "step": 2, "epoch": 1.0, "loss": 2.1, "learning_rate": 0.0001}\'',
        'echo "Traceback (most recent call last): ..." >&2',
        'echo \'{"event": "error", "kind": "cuda", "message": "CUDA out of memory. Tried to allocate 2.00 GiB"}\'',
        'exit 4',
      ].join('\n'),
    );
    await chmod(standIn, 0o755);
    const logPath = path.join(directory, 'job.log');
    const seen: number[] = [];
    const job = runHfJob({
      command: { executable: standIn, args: [], env: {} },
      method: 'lora',
      output: path.join(directory, 'out'),
      logPath,
      onEvent: (event) => event.loss !== undefined && seen.push(event.loss),
    });
    await expect(job).rejects.toMatchObject({
      code: 'TRAINING_FAILED',
      message: 'CUDA error: CUDA out of memory. Tried to allocate 2.00 GiB',
    });
    expect(seen).toEqual([2.5, 2.1]);
    const log = await readFile(logPath, 'utf8');
    expect(log).toContain('"step": 2');
    expect(log).toContain('Traceback');
  });

  it('exit 0 without the adapter it must write is a failure, with it a result', async () => {
    const output = path.join(directory, 'adapter');
    const standIn = path.join(directory, 'writes.sh');
    await writeFile(
      standIn,
      `#!/bin/sh\necho '{"event": "loss", "step": 1, "loss": 1.5}'\n[ "$1" = write ] && mkdir -p ${output} && echo '{}' > ${output}/adapter_config.json\nexit 0\n`,
    );
    await chmod(standIn, 0o755);
    const base = { method: 'lora' as const, output, logPath: path.join(directory, 'writes.log') };
    await expect(runHfJob({ ...base, command: { executable: standIn, args: [], env: {} } })).rejects.toThrow(
      /exited 0 but wrote no .*adapter_config\.json/,
    );
    await expect(runHfJob({ ...base, command: { executable: standIn, args: ['write'], env: {} } })).resolves.toEqual({
      output,
      losses: [{ step: 1, loss: 1.5 }],
    });
  });
});

describe("hf completion-only loss (the script's own tokenize_rows, with a character tokenizer standing in for a real one)", () => {
  it('masks every prompt token with -100 and trains exactly the completion and its end marker', () => {
    const program = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(path.dirname(hfTrainScript))})`,
      'import maft_hf_train as m',
      'class CharTokenizer:',
      '    def apply_chat_template(self, messages, add_generation_prompt=False, tokenize=False):',
      '        text = "".join(f"<|im_start|>{x[\'role\']}\\n{x[\'content\']}<|im_end|>\\n" for x in messages)',
      '        return text + ("<|im_start|>assistant\\n" if add_generation_prompt else "")',
      '    def __call__(self, text, add_special_tokens=False):',
      '        return {"input_ids": [ord(c) for c in text]}',
      'rows = m.read_rows(sys.argv[1])',
      'examples = m.tokenize_rows(rows, CharTokenizer(), 4096, sys.argv[1])',
      'print(json.dumps([{"trained": "".join(chr(t) for t in e["labels"] if t != -100), "masked": sum(1 for t in e["labels"] if t == -100), "length": len(e["input_ids"])} for e in examples]))',
    ]
      .filter((line) => line !== '')
      .join('\n');
    const file = path.join(directory, 'mask.jsonl');
    return writeFile(file, exportTrlPromptCompletionJsonl(rows)).then(() => {
      const result = spawnSync('/usr/bin/python3', ['-c', program, file], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      const examples = JSON.parse(result.stdout) as { trained: string; masked: number; length: number }[];
      expect(examples.map((example) => example.trained)).toEqual([
        'It is \\boxed{4}.<|im_end|>\n',
        'Rechecking: \\boxed{4}.<|im_end|>\n',
      ]);
      // The critic row's earlier reply (\boxed{5}) is context: masked, never trained.
      expect(examples[1]?.masked).toBe((examples[1]?.length ?? 0) - examples[1]!.trained.length);
    });
  });
});
