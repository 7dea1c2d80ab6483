import { describe, it, expect } from 'vitest';
import { loadSplits } from '../../src/tasks/load-splits.js';
import { describeTasks, loadTask, taskNames } from '../../src/tasks/registry.js';
import { sharedPath } from '../helpers/shared-data.js';
import { caught } from './expect-error.js';

describe('loadTask', () => {
  it('knows the five tasks', () => {
    expect(taskNames).toEqual(['arithmetic', 'gsm8k', 'math', 'mmlu', 'jsonl']);
    expect(describeTasks().every((task) => task.description.length > 0)).toBe(true);
  });

  it('loads arithmetic with defaults (1000 problems, values 0..29)', async () => {
    const task = await loadTask('arithmetic');
    expect(task).toMatchObject({ name: 'arithmetic', answerType: 'numeric' });
    expect(task.problems).toHaveLength(1000);
  });

  it('lists the known tasks for an unknown name', async () => {
    const error = await caught(() => loadTask('gsm9k', {}));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toBe('unknown task "gsm9k"; known tasks: arithmetic, gsm8k, math, mmlu, jsonl');
  });

  it('reports bad options as readable field: message lines', async () => {
    const levels = await caught(() => loadTask('math', { path: 'x', levels: [0, 2] }));
    expect(levels.code).toBe('CONFIG_INVALID');
    expect(levels.message).toMatch(/^invalid options for task math: levels\.0: /);
    const missing = await caught(() => loadTask('gsm8k', {}));
    expect(missing.message).toMatch(/^invalid options for task gsm8k: path: /);
    const stray = await caught(() => loadTask('gsm8k', { path: 'x', levels: [1] }));
    expect(stray.message).toContain('levels');
    const answerType = await caught(() => loadTask('jsonl', { path: 'x', answerType: 'fuzzy' }));
    expect(answerType.message).toMatch(/answerType: /);
    const range = await caught(() => loadTask('arithmetic', { min: 10, max: 5 }));
    expect(range.message).toBe('invalid options for task arithmetic: max: max must be ≥ min');
  });
});

describe('loadSplits', () => {
  it('generates exactly enough arithmetic problems for both splits, seeded', async () => {
    const splits = await loadSplits('arithmetic', {}, { seed: 1, finetuneCount: 30, evalCount: 20 });
    expect(splits.task.problems).toHaveLength(50);
    expect(splits.finetune).toHaveLength(30);
    expect(splits.eval).toHaveLength(20);
    const again = await loadSplits('arithmetic', {}, { seed: 1, finetuneCount: 30, evalCount: 20 });
    expect(again.eval).toEqual(splits.eval);
    const other = await loadSplits('arithmetic', {}, { seed: 2, finetuneCount: 30, evalCount: 20 });
    expect(other.eval).not.toEqual(splits.eval);
  });

  it('splits GSM8K test 500/500 by default, disjoint', async () => {
    const splits = await loadSplits('gsm8k', { path: sharedPath('data', 'gsm8k', 'test.jsonl') });
    expect([splits.finetune.length, splits.eval.length]).toEqual([500, 500]);
    const finetune = new Set(splits.finetune.map((problem) => problem.id));
    expect(splits.eval.filter((problem) => finetune.has(problem.id))).toEqual([]);
  });

  it('states the count when the task is too small', async () => {
    const error = await caught(() =>
      loadSplits('math', { path: sharedPath('data', 'math', 'math500.jsonl') }, { finetuneCount: 500, evalCount: 500 }),
    );
    expect(error.code).toBe('NOT_ENOUGH_PROBLEMS');
    expect(error.message).toBe('task math has 238 problems; finetune 500 + eval 500 needs 1000');
  });

  it('validates the split options', async () => {
    const error = await caught(() => loadSplits('arithmetic', {}, { evalCount: -1 }));
    expect(error.message).toMatch(/^invalid options for the split: evalCount: /);
  });
});
