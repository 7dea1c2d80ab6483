import { describe, expect, it } from 'vitest';
import { buildStarRows } from '../../src/finetune-data/star-rows.js';
import type { StarRecord } from '../../src/spec/debate.js';
import { makeTranscript } from './debate-fixtures.js';

const call = (text: string, finishReason: 'stop' | 'length' = 'stop') => ({
  text,
  finishReason,
  usage: { promptTokens: 1, completionTokens: 1 },
  modelId: 'm',
  seed: 1,
  durationMs: 0,
});
const record = (
  id: string,
  first: string | null,
  hinted?: { answer: string | null; correct: boolean; finish?: 'stop' | 'length' },
): StarRecord => ({
  problemId: id,
  attempt: makeTranscript(id, [[first]], [first]),
  ...(hinted
    ? {
        hinted: {
          prompt: 'hinted prompt',
          response: call(`retry \\boxed{${hinted.answer}}`, hinted.finish),
          answer: hinted.answer,
          correct: hinted.correct,
        },
      }
    : {}),
});

describe('STaR rows', () => {
  it('keeps right first answers and right hinted retries, each as the reply to the plain prompt', () => {
    // Ground truth is '0' in the fixtures.
    const rows = buildStarRows(
      [
        record('p3', '0'),
        record('p1', '4', { answer: '0', correct: true }),
        record('p2', '4', { answer: '5', correct: false }),
        record('p4', '4', { answer: '0', correct: true, finish: 'length' }),
        record('p5', null),
      ],
      2,
    );
    expect(rows.map((row) => [row.metadata.problemId, row.metadata.kind])).toEqual([
      ['p1', 'star-rationalized'],
      ['p3', 'star'],
    ]);
    const [rationalized, right] = rows;
    expect(rationalized?.prompt).toEqual([{ role: 'user', content: 'Solve p1.' }]);
    expect(rationalized?.completion.content).toBe('retry \\boxed{0}');
    expect(right?.completion.content).toBe('agent 0 round 1 answers \\boxed{0}');
    expect(rows.every((row) => row.metadata.iteration === 2 && row.metadata.majority === '0')).toBe(true);
  });
});
