import { describe, expect, it } from 'vitest';
import { pairedDifference } from '../../src/evaluate/paired-difference.js';
import { formatComparison } from '../../src/evaluate/format-comparison.js';
import { caught } from '../tasks/expect-error.js';

/** n problems: the first `both` right under a and b, then `aOnly` right under a only, `bOnly` under b only. */
function scores(n: number, both: number, aOnly: number, bOnly: number) {
  const a = new Map<string, boolean>();
  const b = new Map<string, boolean>();
  for (let index = 0; index < n; index++) {
    const id = `p${index}`;
    a.set(id, index < both + aOnly);
    b.set(id, index < both || (index >= both + aOnly && index < both + aOnly + bOnly));
  }
  return { a, b };
}

describe('pairedDifference', () => {
  it("gives the paper core run's multiagent FT − debate: 476 vs 460 of 500, discordant 28 vs 12", () => {
    const { a, b } = scores(500, 448, 28, 12);
    const result = pairedDifference(a, b);
    expect(result.a).toMatchObject({ correct: 476, accuracy: 0.952 });
    expect(result.b).toMatchObject({ correct: 460, accuracy: 0.92 });
    expect(result.difference).toBeCloseTo(0.032, 12);
    expect(result).toMatchObject({ aOnly: 28, bOnly: 12, barsApart: true });
    // sqrt(.952·.048/500 + .92·.08/500) and sqrt(40 − 16²/500)/500
    expect(result.unpairedStandardError).toBeCloseTo(Math.sqrt((0.952 * 0.048 + 0.92 * 0.08) / 500), 12);
    expect(result.pairedStandardError).toBeCloseTo(Math.sqrt(40 - 256 / 500) / 500, 12);
    expect(result.difference / result.pairedStandardError).toBeCloseTo(2.546, 3);
    const text = formatComparison(result, { a: 'multiagent-ft@3', b: 'debate' });
    expect(text).toContain('difference +3.2 points');
    expect(text).toContain('unpaired  ± 1.5 (2.07 SE); ± SE bars apart');
    expect(text).toContain('paired    ± 1.3 (2.55 SE); discordant: 28 right only under a, 12 only under b');
  });

  it('says when the bars overlap, and a negative difference with its sign', () => {
    const { a, b } = scores(100, 90, 1, 3);
    const result = pairedDifference(a, b);
    expect(result.difference).toBeCloseTo(-0.02, 12);
    expect(result.barsApart).toBe(false);
    const text = formatComparison(result, { a: 'x', b: 'y' });
    expect(text).toContain('difference −2.0 points');
    expect(text).toContain('unpaired  ± 3.8 (−0.52 SE); ± SE bars overlap');
    expect(text).toContain('paired    ± 2.0 (−1.01 SE); discordant: 1 right only under a, 3 only under b');
  });

  it('refuses scores of different problems, naming one', async () => {
    const { a, b } = scores(3, 1, 1, 0);
    b.delete('p2');
    b.set('q9', true);
    const error = await caught(() => pairedDifference(a, b, { a: 'run-a', b: 'run-b' }));
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain('not scores of the same problems: problem "p2" is only in run-a');
  });
});
