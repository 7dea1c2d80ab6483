/**
 * An iteration's jobs through launchHfJobs: preflight once, the script's own data check, the accelerate
 * command line, one job per disjoint GPU slot. Training itself needs a GPU, so the Python named here runs the
 * real script for the package check (with importable stand-ins for torch & co.) and for the data check, and
 * answers the `-m accelerate.commands.launch` call by speaking the script's output contract: it records the
 * CUDA_VISIBLE_DEVICES and port it was given in the adapter directory it writes.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrlPromptCompletionJsonl } from '../../src/finetune-data/export/trl-prompt-completion.js';
import { launchHfJobs, type HfJobRequest } from '../../src/trainers/hf/launch-hf-job.js';
import { resolveHfTrainOptions } from '../../src/trainers/hf/hf-train-options.js';

let directory: string;
let python: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-hf-jobs-'));
  const site = path.join(directory, 'site');
  for (const name of ['torch', 'transformers', 'peft', 'accelerate']) {
    await mkdir(path.join(site, name), { recursive: true });
    await writeFile(path.join(site, name, '__init__.py'), '');
  }
  python = path.join(directory, 'python');
  await writeFile(
    python,
    [
      '#!/bin/sh',
      'if [ "$1" = "-m" ]; then',
      '  out=""; port=""; prev=""',
      '  for word in "$@"; do [ "$prev" = "--output" ] && out="$word"; [ "$prev" = "--main_process_port" ] && port="$word"; prev="$word"; done',
      '  echo \'{"event": "start", "rows": 1}\'',
      '  echo \'{"event": "loss", "step": 1, "epoch": 1.0, "loss": 1.25}\'',
      '  case "$out" in *agent-1-critic) echo \'{"event": "error", "kind": "cuda", "message": "CUDA error: an illegal memory access was encountered"}\'; exit 4;; esac',
      '  mkdir -p "$out" && echo "{\\"gpus\\": \\"$CUDA_VISIBLE_DEVICES\\", \\"port\\": $port}" > "$out/adapter_config.json"',
      '  exit 0',
      'fi',
      `PYTHONPATH=${site} exec /usr/bin/python3 "$@"`,
    ].join('\n'),
  );
  await chmod(python, 0o755);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('hf jobs on disjoint GPUs', () => {
  it("runs 4 jobs, 2 GPUs each, on 4 GPUs: each job sees only its own GPUs and port; a CUDA failure stays that job's", async () => {
    const data = path.join(directory, 'rows.jsonl');
    await writeFile(
      data,
      exportTrlPromptCompletionJsonl([
        {
          prompt: [{ role: 'user', content: 'What is 2+2?' }],
          completion: { role: 'assistant', content: '\\boxed{4}' },
          metadata: {
            agent: 0,
            role: 'generator',
            iteration: 1,
            problemId: 'p',
            sourceRound: 1,
            kind: 'generator',
            answer: '4',
            majority: '4',
          },
        },
      ]),
    );
    const names = ['agent-0-generator', 'agent-0-critic', 'agent-1-generator', 'agent-1-critic'];
    const requests: Omit<HfJobRequest, 'gpus' | 'port'>[] = names.map((name) => ({
      paths: { data, model: 'base', output: path.join(directory, name) },
      options: resolveHfTrainOptions({}),
      accelerateConfig: 'examples/accelerate/multi-gpu-ddp.yaml',
      python,
      logPath: path.join(directory, `${name}.log`),
    }));
    const outcomes = await launchHfJobs(requests, { gpus: [0, 1, 2, 3], gpusPerJob: 2 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const seen = await Promise.all(
      names.slice(0, 3).map(
        async (name) =>
          JSON.parse(await readFile(path.join(directory, name, 'adapter_config.json'), 'utf8')) as {
            gpus: string;
            port: number;
          },
      ),
    );
    // Jobs 0 and 1 start at once on the two slots; job 2 takes whichever slot frees first.
    expect(seen.slice(0, 2)).toEqual([
      { gpus: '0,1', port: 29500 },
      { gpus: '2,3', port: 29501 },
    ]);
    expect(['0,1', '2,3']).toContain(seen[2]?.gpus);
    const failed = outcomes[3];
    expect(failed?.status === 'rejected' && (failed.reason as Error).message).toBe(
      'CUDA error: an illegal memory access was encountered',
    );
    const first = outcomes[0];
    expect(first?.status === 'fulfilled' && first.value.losses).toEqual([{ step: 1, loss: 1.25 }]);
    expect(first?.status === 'fulfilled' && first.value.commandLine).toMatch(
      /^CUDA_VISIBLE_DEVICES=0,1 .* -m accelerate.commands.launch --config_file examples\/accelerate\/multi-gpu-ddp.yaml --num_processes 2 --main_process_port 29500 /,
    );
  });

  it('checks Python before any job starts: nothing runs when a package is missing', async () => {
    const requests = [
      {
        paths: { data: 'x', model: 'base', output: path.join(directory, 'never') },
        options: resolveHfTrainOptions({}),
        accelerateConfig: 'examples/accelerate/deepspeed-zero3.yaml',
        python,
        logPath: path.join(directory, 'never.log'),
      },
    ];
    await expect(launchHfJobs(requests, { gpus: [0], gpusPerJob: 1 })).rejects.toThrow(
      /lacks deepspeed: pip install deepspeed$/,
    );
  });
});
