/**
 * The diversity stage in a real `maft run` (shipped model, 3 held-out problems, a sample of 2): results.json,
 * `maft status` and the report show it; a run killed (SIGKILL) after its first diversity record resumes to the
 * numbers of an uninterrupted run, without measuring that debate again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';
import type { RunResults } from '../../src/spec/run-results.js';
import { runCli } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const directory = temporaryDirectory('diversity');
const at = (...parts: string[]) => path.join(directory, ...parts);
const config = at('config.yaml');
const results = (run: string) =>
  JSON.parse(readFileSync(path.join(run, 'artifacts', 'results.json'), 'utf8')) as RunResults;
const diversityRecords = (run: string) =>
  readFileSync(path.join(run, 'records', 'base', 'diversity.jsonl'), 'utf8')
    .trim()
    .split('\n');

beforeAll(async () => {
  writeFileSync(
    config,
    [
      'task: { name: arithmetic, options: { max: 9 } }',
      'split: { finetuneCount: 3, evalCount: 3 }',
      'methods: [base, majority, debate]',
      'iterations: 0',
      'sampling: { maxTokens: 64 }',
      `backend: { kind: llama-cpp, model: ${JSON.stringify(shippedBaseModel)}, threads: 1, contexts: 1, contextSize: 1024 }`,
      'diversity: { problems: 2 }',
      '',
    ].join('\n'),
  );
  const made = await runInProcess(['run', config, '--run', at('whole')]);
  expect(made.status, made.stderr.slice(-1500)).toBe(0);
}, 600_000);

describe('the diversity stage', () => {
  it('writes one record per sampled debate and shows its means in results.json, status and the report', async () => {
    const { diversity } = results(at('whole'));
    expect(diversity).toHaveLength(1);
    expect(diversity[0]).toMatchObject({ method: 'debate', iteration: 0, problems: 2, agentKl: 0, baseKl: 0 });
    expect(diversity[0]!.likelihoodNll).toBeGreaterThan(0);
    expect(diversity[0]!.embeddingModel).toBe(`llama-cpp:${shippedBaseModel}`);
    expect(diversityRecords(at('whole'))).toHaveLength(2);
    // Each mean's standard error over the 2 debates: |x₁ − x₂| / 2 (docs/diversity.md).
    const perDebate = diversityRecords(at('whole')).map((line) => JSON.parse(line) as { likelihoodNll: number });
    expect(diversity[0]!.standardError.likelihoodNll).toBeCloseTo(
      Math.abs(perDebate[0]!.likelihoodNll - perDebate[1]!.likelihoodNll) / 2,
      12,
    );
    expect(diversity[0]!.standardError).toMatchObject({ agentKl: 0, baseKl: 0 });
    // `maft eval --json` carries the same score, under the same names.
    const evaluated = await runInProcess(['eval', at('whole'), '--json']);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { diversity: unknown }).diversity).toEqual(diversity[0]);
    // Answer changes (docs/answer-changes.md): the debate's score carries round 1 → 2 for its 3 × 3 agent
    // answers, the same object `maft eval --json` prints, and the report has its table.
    const changes = results(at('whole')).scores.find((score) => score.method === 'debate')?.answerChanges;
    expect(changes).toHaveLength(1);
    const [round2] = changes!;
    expect(round2).toMatchObject({ round: 2, turns: 9 });
    const { rightToRight, rightToWrong, wrongToRight, wrongToSameWrong, wrongToOtherWrong } = round2!;
    expect(rightToRight + rightToWrong + wrongToRight + wrongToSameWrong + wrongToOtherWrong).toBe(9);
    expect(round2!.confirmed.turns + round2!.contradicted.turns + round2!.mixed.turns).toBe(9);
    expect((JSON.parse(evaluated.stdout) as { answerChanges: unknown }).answerChanges).toEqual(changes);
    // First-round agreement (docs/diversity.md): all 3 held-out debates' round-1 answers, the same object in
    // results.json and `maft eval --json`, and its table in the report.
    const agreement = results(at('whole')).scores.find((score) => score.method === 'debate')?.firstRoundAgreement;
    expect(agreement).toMatchObject({ problems: 3 });
    expect(agreement!.unanimousRight + agreement!.unanimousWrong).toBe(agreement!.unanimous);
    expect(agreement!.meanDistinctAnswers).toBeGreaterThanOrEqual(1);
    expect(agreement!.meanDistinctAnswers).toBeLessThanOrEqual(3);
    expect((JSON.parse(evaluated.stdout) as { firstRoundAgreement: unknown }).firstRoundAgreement).toEqual(agreement);
    expect(readFileSync(path.join(at('whole'), 'artifacts', 'report.md'), 'utf8')).toContain(
      '## First-round agreement',
    );
    expect(readFileSync(path.join(at('whole'), 'artifacts', 'report.md'), 'utf8')).toContain(
      '## Answer changes between rounds',
    );
    const status = await runInProcess(['status', at('whole')]);
    expect(status.stdout).toMatch(/✔ base\/diversity\s+done\s+2\/2/);
    expect(status.stdout).toMatch(/diversity, mean ± SE over the sampled debates \(docs\/diversity\.md/);
    expect(status.stdout).toMatch(/Debate\s+0\s+2\s+\d+\.\d ± \d+\.\d\s+\d\.\d{3} ± \d\.\d{3}/);
    expect(readFileSync(path.join(at('whole'), 'artifacts', 'report.md'), 'utf8')).toContain('## Diversity');
  });

  it('resumes after a kill to the numbers of an uninterrupted run', async () => {
    process.env.MAFT_CRASH_AT = 'base/diversity:record-1';
    let killed;
    try {
      killed = runCli(['run', config, '--run', at('killed')]);
    } finally {
      delete process.env.MAFT_CRASH_AT;
    }
    expect(killed.status).not.toBe(0);
    expect(diversityRecords(at('killed'))).toHaveLength(1);
    const resumed = await runInProcess(['run', config, '--run', at('killed')]);
    expect(resumed.status, resumed.stderr.slice(-1500)).toBe(0);
    expect(results(at('killed')).diversity).toEqual(results(at('whole')).diversity);
    const strip = (line: string) => {
      const { producer: _producer, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    };
    expect(diversityRecords(at('killed')).map(strip)).toEqual(diversityRecords(at('whole')).map(strip));
  });
});
