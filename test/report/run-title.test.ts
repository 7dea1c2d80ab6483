import { describe, expect, it } from 'vitest';
import { runTitle } from '../../src/report/format-results.js';

const config = (iterations: number) => ({
  task: { name: 'arithmetic' },
  society: { agents: 3, rounds: 2 },
  iterations,
});

describe('runTitle', () => {
  it('names the run, its task and its shape, in the singular for one iteration', () => {
    expect(runTitle('runs/x', config(1))).toBe('runs/x: arithmetic, 3 agents × 2 rounds, 1 iteration');
    expect(runTitle('runs/x', config(3))).toBe('runs/x: arithmetic, 3 agents × 2 rounds, 3 iterations');
  });
});
