/**
 * The recount behind `maft labels` (src/finetune-data/recount-labels.ts): from rows as stored (a JSON round trip,
 * as rows/<name>.jsonl holds them) and the source records, the same sizes the data stage stored; a run made
 * before the counts gets them; a stored count that does not match the rows is named in one line.
 */
import { describe, expect, it } from 'vitest';
import { buildDebateMethodData, buildStarMethodData, type MethodData } from '../../src/finetune-data/method-data.js';
import { recountDataset, recountDifference } from '../../src/finetune-data/recount-labels.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';
import type { DebateTranscript, StarRecord } from '../../src/spec/debate.js';
import type { FinetuneMethod } from '../../src/spec/methods.js';
import type { DatasetSize } from '../../src/spec/run-results.js';
import { fiveDebates, makeTranscript } from './debate-fixtures.js';

/** fiveDebates() with ground truths, as label-accuracy.test.ts grades them (p3's final majority 4 is wrong). */
const graded = (): DebateTranscript[] => {
  const truths: Record<string, string> = { p1: '5', p2: '0.50', p3: '9', p4: '1', p5: '2' };
  return fiveDebates().map((transcript) => ({ ...transcript, groundTruth: truths[transcript.problemId] as string }));
};
const settings = { iteration: 1, correctedShare: 2 / 3, criticMix: 'all' as const, seed: 0, critics: true };
/** What a data stage leaves on disk: each model's rows as read back from JSONL, and its sizes. */
const stored = (data: MethodData) =>
  data.datasets.map(({ name, agent, role, rows }) => ({
    name,
    agent,
    role,
    rows: JSON.parse(JSON.stringify(rows)) as TrainingRow[],
  }));
const recount = (
  method: FinetuneMethod,
  data: MethodData,
  source: DebateTranscript[] | StarRecord[],
  sizes: DatasetSize[] = data.sizes,
) => recountDataset({ method, iteration: 1, models: stored(data), stored: sizes, source });
/** A run made before the label counts: its sizes without them. */
const withoutCounts = (sizes: readonly DatasetSize[]) =>
  sizes.map(
    ({
      generatorRight: _g,
      criticRight: _c,
      criticCorrectedRight: _d,
      firstRoundReplies: _r,
      firstRoundRight: _f,
      ...rest
    }) => rest,
  );

describe('recountDataset', () => {
  for (const method of ['multiagent-ft', 'single-agent-ft', 'majority-ft', 'single-agent-ft-nodebate'] as const) {
    it(`gives back ${method}'s stored sizes from its rows and records`, () => {
      const data = buildDebateMethodData(method, graded(), settings);
      expect(recount(method, data, graded())).toEqual(data.sizes);
      expect(recountDifference(data.sizes, recount(method, data, graded()), method)).toBeNull();
    });
  }

  it('gives multiagent FT its hand-counted labels when summary.json has none (a run made before the counts)', () => {
    const data = buildDebateMethodData('multiagent-ft', graded(), settings);
    const sizes = recount('multiagent-ft', data, graded(), withoutCounts(data.sizes) as DatasetSize[]);
    // Hand-counted in label-accuracy.test.ts from debate-fixtures.ts.
    expect(
      sizes.map((size) => [
        size.generatorRight,
        size.criticRight,
        size.criticCorrectedRight,
        size.firstRoundRight,
        size.firstRoundReplies,
      ]),
    ).toEqual([
      [2, 3, 1, 2, 5],
      [3, 2, 0, 3, 5],
      [0, 2, 2, 1, 5],
    ]);
    // The candidates before the mix are not in the rows: they come from summary.json as stored.
    expect(sizes.map((size) => [size.corrected, size.confirmed])).toEqual(
      data.sizes.map((size) => [size.corrected, size.confirmed]),
    );
    expect(recountDifference(withoutCounts(data.sizes) as DatasetSize[], sizes, 'multiagent-ft')).toBeNull();
  });

  it('counts a generators-only society (no critic files) with no critic rows', () => {
    const data = buildDebateMethodData('multiagent-ft', graded(), { ...settings, critics: false });
    expect(data.datasets.every((dataset) => dataset.role === 'generator')).toBe(true);
    expect(recount('multiagent-ft', data, graded())).toEqual(data.sizes);
  });

  it("gives back STaR's sizes: first answers graded, hinted retries as its `corrected`", () => {
    const attempt = (id: string, first: string | null, retry?: string): StarRecord => ({
      problemId: id,
      attempt: { ...makeTranscript(id, [[first]], [first]), groundTruth: '1/4' },
      ...(retry === undefined
        ? {}
        : {
            hinted: {
              prompt: 'hint',
              response: {
                text: `\\boxed{${retry}}`,
                finishReason: 'stop' as const,
                usage: { promptTokens: 1, completionTokens: 1 },
                modelId: 'm',
                seed: 1,
                durationMs: 0,
              },
              answer: retry,
              correct: true,
            },
          }),
    });
    const records = [attempt('a', '0.25'), attempt('b', '3', '1/4'), attempt('c', null)];
    const data = buildStarMethodData(records, 1);
    const [size] = recount('star', data, records);
    expect(size).toEqual(data.sizes[0]);
    expect(size).toMatchObject({ generator: 1, generatorRight: 1, corrected: 1, firstRoundRight: 1 });
    expect(size).toMatchObject({ firstRoundReplies: 3 });
  });

  it('counts the rows as they are on disk: an edited answer changes the count, and the difference is named', () => {
    const data = buildDebateMethodData('multiagent-ft', graded(), settings);
    const models = stored(data);
    const generator = models.find((model) => model.name === 'agent-0-generator');
    // agent 0's first generator row (p1, 5, right) now says 6.
    generator!.rows[0]!.metadata.answer = '6';
    const sizes = recountDataset({
      method: 'multiagent-ft',
      iteration: 1,
      models,
      stored: data.sizes,
      source: graded(),
    });
    expect(sizes[0]?.generatorRight).toBe(1);
    expect(recountDifference(data.sizes, sizes, 'multiagent-ft iteration 1')).toBe(
      'multiagent-ft iteration 1: the recount differs from summary.json (summary → recount): agent 0 generatorRight 2 → 1',
    );
  });

  it('names a model only one side has', () => {
    const data = buildDebateMethodData('multiagent-ft', graded(), settings);
    const sizes = recount('multiagent-ft', data, graded());
    expect(recountDifference(data.sizes.slice(1), sizes, 'x')).toContain('agent 0 not in summary.json');
    expect(recountDifference(data.sizes, sizes.slice(0, 2), 'x')).toContain('agent 2 has no rows files');
  });
});
