/**
 * `maft build-data` on a run the real embedded engine debated (a tiny random-weight model maft writes itself,
 * as test/cli/debate.test.ts does). Random weights rarely agree, so the counts are checked against the
 * records independently of the dataset code rather than against fixed numbers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { isEquivalent } from '../../src/grading/equivalence.js';
import type { AgentTurn, DebateTranscript } from '../../src/spec/debate.js';
import type { AnswerType } from '../../src/spec/problem.js';
import { runCli } from '../helpers/run-cli.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';
import { openAiChatViolations, trlPromptCompletionViolations } from './format-rules.js';

const directory = temporaryDirectory('build-data-engine');
let model: string;

beforeAll(async () => {
  model = path.join(directory, 'tiny.gguf');
  await writeGgufFile(model, createTinyLlamaModel({ seed: 11 }));
});

describe('maft build-data after a real maft debate', () => {
  it('builds per-agent data whose counts match the debate records', () => {
    const run = path.join(directory, 'run');
    const debate = runCli([
      'debate',
      '--task',
      'arithmetic',
      '--split',
      'finetune',
      '--finetune-count',
      '3',
      '--eval-count',
      '1',
      '--agents',
      '3',
      '--rounds',
      '2',
      '--model',
      model,
      '--run',
      run,
      '--threads',
      '1',
      '--max-tokens',
      '10',
      '--context-size',
      '512',
      '--problem-concurrency',
      '1',
      '--no-summarize',
      '--fallbacks',
      'last-number',
    ]);
    expect(debate.status, debate.stderr).toBe(0);
    const result = runCli(['build-data', run, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { sizes: unknown[]; files: string[] };

    // Counted from the records, apart from the dataset code: a reply qualifies by its answer (≡ the final
    // majority) and is a row unless the token limit cut it (the tiny model's replies mostly are).
    const records = readFileSync(path.join(run, 'records', 'base', 'finetune.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as DebateTranscript);
    const agrees = (turn: AgentTurn | undefined, record: DebateTranscript) =>
      isEquivalent(
        turn?.answer ?? null,
        record.votes[record.votes.length - 1]?.winner ?? null,
        record.answerType as AnswerType,
      );
    const cut = (turn: AgentTurn | undefined) => turn?.response.finishReason === 'length';
    const expected = [0, 1, 2].map((agent) => {
      const turns = records.map(
        (record) => [record.agents[agent]?.turns[0], record.agents[agent]?.turns[1], record] as const,
      );
      const generator = turns.filter(([first, , record]) => agrees(first, record));
      const critic = turns.filter(([, final, record]) => agrees(final, record));
      const corrected = critic.filter(([first, final, record]) => !agrees(first, record) && !cut(final)).length;
      const confirmed = critic.filter(([first, final, record]) => agrees(first, record) && !cut(final)).length;
      return { agent, generator: generator.filter(([first]) => !cut(first)).length, corrected, confirmed };
    });
    expect(records).toHaveLength(3);
    expect(
      output.sizes.map((size) => {
        const { agent, generator, corrected, confirmed } = size as Record<string, number>;
        return { agent, generator, corrected, confirmed };
      }),
    ).toEqual(expected);
    for (const name of output.files.filter((file) => file.includes('/openai/') || file.includes('/trl/'))) {
      const text = readFileSync(path.join(run, 'artifacts', name), 'utf8');
      expect(name.includes('/openai/') ? openAiChatViolations(text) : trlPromptCompletionViolations(text)).toEqual([]);
    }
  });
});
