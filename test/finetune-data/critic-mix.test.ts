import { describe, expect, it } from 'vitest';
import { mixCriticRows, planCriticMix, type CriticMixSettings } from '../../src/finetune-data/critic-mix.js';
import type { TrainingRow, TrainingRowKind } from '../../src/finetune-data/training-row.js';
import { buildDebateMethodData } from '../../src/finetune-data/method-data.js';
import { runConfigSchema } from '../../src/config/run-config.js';
import { fiveDebates } from './debate-fixtures.js';

function rows(count: number, kind: TrainingRowKind, prefix: string): TrainingRow[] {
  return Array.from({ length: count }, (_, index) => ({
    prompt: [{ role: 'user', content: `q${index}` }],
    completion: { role: 'assistant', content: `a${index}` },
    metadata: {
      agent: 0,
      role: 'critic',
      iteration: 1,
      problemId: `${prefix}${String(index).padStart(3, '0')}`,
      sourceRound: 2,
      kind,
      answer: '1',
      majority: '1',
    },
  }));
}

describe('planCriticMix: the largest mix with a D⁻ share of w (rounding half up)', () => {
  it.each([
    // [|D⁻|, |D⁺|, w, taken D⁻, taken D⁺]
    [10, 10, 2 / 3, 10, 5], // plenty of D⁺: every D⁻, half as many D⁺ (the released code's ratio)
    [10, 2, 2 / 3, 5, 2], // |D⁺| < |D⁻|/2 (the released code crashed): every D⁺, D⁻ sampled down
    [3, 7, 0.5, 3, 3],
    [5, 3, 0, 0, 3], // w = 0: every D⁺ only
    [5, 3, 1, 5, 0], // w = 1: every D⁻ only
    [0, 3, 1, 0, 0],
    [5, 0, 0, 0, 0],
    [0, 0, 0.5, 0, 0],
    [0, 5, 2 / 3, 0, 0], // one side empty, 0 < w < 1: the share cannot be met
    [0, 5, 0.1, 0, 4], // … except the rows rounding allows (round(0.1 × 4) = 0)
    [2, 0, 2 / 3, 1, 0], // round(2/3 × 1) = 1
    [1, 1, 0.67, 1, 1], // T = 2: round(1.34) = 1 D⁻ and 1 D⁺
  ])('|D⁻| = %i, |D⁺| = %i, w = %d → %i D⁻ + %i D⁺', (corrected, confirmed, w, takeCorrected, takeConfirmed) => {
    expect(planCriticMix({ corrected, confirmed }, w)).toEqual({ corrected: takeCorrected, confirmed: takeConfirmed });
  });

  it('always fits, is maximal, and keeps the share within rounding of w (every size up to 15, several w)', () => {
    for (const w of [0, 0.1, 0.25, 1 / 3, 0.5, 0.6, 2 / 3, 0.67, 0.9, 1]) {
      for (let corrected = 0; corrected <= 15; corrected++) {
        for (let confirmed = 0; confirmed <= 15; confirmed++) {
          const plan = planCriticMix({ corrected, confirmed }, w);
          const total = plan.corrected + plan.confirmed;
          expect(plan.corrected).toBeLessThanOrEqual(corrected);
          expect(plan.confirmed).toBeLessThanOrEqual(confirmed);
          expect(plan.corrected).toBe(Math.round(w * total));
          if (total > 0) expect(Math.abs(plan.corrected / total - w)).toBeLessThanOrEqual(0.5 / total + 1e-12);
          for (let larger = total + 1; larger <= corrected + confirmed; larger++) {
            const wanted = Math.round(w * larger);
            expect(wanted <= corrected && larger - wanted <= confirmed).toBe(false);
          }
        }
      }
    }
  });

  it('refuses a share outside [0, 1]', () => {
    for (const w of [-0.1, 1.5, Number.NaN])
      expect(() => planCriticMix({ corrected: 1, confirmed: 1 }, w)).toThrow(/\[0, 1\]/);
  });
});

describe('mixCriticRows: a seeded draw of the planned rows', () => {
  const candidates = { corrected: rows(10, 'critic-corrected', 'c'), confirmed: rows(30, 'critic-confirmed', 'f') };
  const settings: CriticMixSettings = { mode: 'w', correctedShare: 2 / 3, seed: 7, iteration: 1, agent: 0 };

  it('takes the planned counts, only candidate rows, in problem-id order', () => {
    const mixed = mixCriticRows(candidates, settings);
    expect(mixed.filter((row) => row.metadata.kind === 'critic-corrected')).toEqual(candidates.corrected);
    expect(mixed.filter((row) => row.metadata.kind === 'critic-confirmed')).toHaveLength(5);
    expect(mixed.every((row) => candidates.confirmed.includes(row) || candidates.corrected.includes(row))).toBe(true);
    const ids = mixed.map((row) => row.metadata.problemId);
    expect(ids).toEqual([...ids].sort());
  });

  it('draws the same rows for the same seed, iteration and agent, and others otherwise', () => {
    const pick = (overrides: Partial<CriticMixSettings>) =>
      mixCriticRows(candidates, { ...settings, ...overrides })
        .map((row) => row.metadata.problemId)
        .join(',');
    expect(pick({})).toBe(pick({}));
    const variants = new Set([pick({}), pick({ seed: 8 }), pick({ iteration: 2 }), pick({ agent: 1 })]);
    expect(variants.size).toBe(4);
  });

  it('keeps every row with mode all, and none of either side where w excludes it', () => {
    expect(mixCriticRows(candidates, { ...settings, mode: 'all' })).toHaveLength(40);
    expect(mixCriticRows(candidates, { ...settings, correctedShare: 0 })).toEqual(candidates.confirmed);
    expect(mixCriticRows(candidates, { ...settings, correctedShare: 1 })).toEqual(candidates.corrected);
    expect(mixCriticRows({ corrected: [], confirmed: [] }, settings)).toEqual([]);
  });
});

describe("keep-corrected, the default critic mix (the released code's rule)", () => {
  it.each([
    // [|D⁻|, |D⁺|, w, D⁺ kept]: every D⁻ always, D⁺ up to (1 − w)/w per D⁻ row
    [10, 10, 2 / 3, 5],
    [6, 1, 2 / 3, 1], // D⁺ short: the w mix would keep 2 of the 6 corrected rows; this keeps all 6
    [3, 7, 0.5, 3],
    [5, 3, 0, 3], // w = 0: every D⁺
    [5, 3, 1, 0], // w = 1: D⁻ only
    [0, 5, 2 / 3, 0],
  ])('|D⁻| = %i, |D⁺| = %i, w = %d → every D⁻ and %i D⁺', (corrected, confirmed, w, keptConfirmed) => {
    const candidates = {
      corrected: rows(corrected, 'critic-corrected', 'c'),
      confirmed: rows(confirmed, 'critic-confirmed', 'p'),
    };
    const mixed = mixCriticRows(candidates, {
      mode: 'keep-corrected',
      correctedShare: w,
      seed: 1,
      iteration: 1,
      agent: 0,
    });
    expect(mixed.filter((row) => row.metadata.kind === 'critic-corrected')).toHaveLength(corrected);
    expect(mixed.filter((row) => row.metadata.kind === 'critic-confirmed')).toHaveLength(keptConfirmed);
  });

  it('is what a run uses unless its config says otherwise', () => {
    expect(
      runConfigSchema.parse({ task: { name: 'arithmetic' }, backend: { kind: 'llama-cpp', model: 'x.gguf' } }).finetune
        .criticMix,
    ).toBe('keep-corrected');
  });
});

describe('dataset sizes: one definition, per agent and pooled', () => {
  it("counts D⁻/D⁺ candidates before the mix and the kept rows after it, the pooled sizes summing the agents'", () => {
    const settings = { iteration: 1, correctedShare: 2 / 3, criticMix: 'w' as const, seed: 5, critics: true };
    const perAgent = buildDebateMethodData('multiagent-ft', fiveDebates(), settings).sizes;
    const [pooled] = buildDebateMethodData('single-agent-ft', fiveDebates(), settings).sizes;
    const sum = (field: 'generator' | 'corrected' | 'confirmed' | 'correctedKept' | 'confirmedKept' | 'critic') =>
      perAgent.reduce((total, size) => total + size[field], 0);
    for (const field of ['generator', 'corrected', 'confirmed', 'correctedKept', 'confirmedKept', 'critic'] as const)
      expect(pooled?.[field], field).toBe(sum(field));
    for (const size of perAgent) expect(size.critic).toBe(size.correctedKept + size.confirmedKept);
    // the w mix drops candidates here, so the two counts really differ
    expect(sum('corrected') + sum('confirmed')).toBeGreaterThan(sum('critic'));
  });
});
