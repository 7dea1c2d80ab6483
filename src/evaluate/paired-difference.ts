/**
 * Two scores of the same held-out problems compared (pure): their difference with the standard error of a
 * difference of two independent proportions, and — the more powerful test, since both answered the same
 * problems — with the standard error of a difference of paired proportions, from the problems only one of them
 * got right (docs/compare.md gives the formulas). `maft compare` prints it; docs/RESULTS.md quotes it.
 */
import { MaftError } from '../errors/maft-error.js';
import { accuracyOf, type Accuracy } from './metrics.js';

/** One score's share of right answers, with its count. */
export interface ComparedScore extends Accuracy {
  correct: number;
}

export interface PairedDifference {
  problems: number;
  a: ComparedScore;
  b: ComparedScore;
  /** a − b (a share: 0.032 is 3.2 points). */
  difference: number;
  /** sqrt(pa(1 − pa)/n + pb(1 − pb)/n): as if the two had answered different problems. */
  unpairedStandardError: number;
  /** Problems a got right and b wrong, and the other way round (the discordant pairs). */
  aOnly: number;
  bOnly: number;
  /** sqrt(aOnly + bOnly − (aOnly − bOnly)²/n) / n. */
  pairedStandardError: number;
  /** The rule: the two ± SE bars do not overlap (|a − b| > SE_a + SE_b). */
  barsApart: boolean;
}

/**
 * Compare two scores given as problem id → answered right. Both must hold the same problems (a comparison on
 * different problems is not paired); otherwise INPUT_INVALID names a problem only one of them has.
 */
export function pairedDifference(
  a: ReadonlyMap<string, boolean>,
  b: ReadonlyMap<string, boolean>,
  names: { a: string; b: string } = { a: 'a', b: 'b' },
): PairedDifference {
  const onlyIn = (left: ReadonlyMap<string, boolean>, right: ReadonlyMap<string, boolean>) =>
    [...left.keys()].find((id) => !right.has(id));
  const missing = onlyIn(a, b) ?? onlyIn(b, a);
  if (missing !== undefined || a.size !== b.size) {
    const holder = a.has(missing ?? '') ? names.a : names.b;
    throw new MaftError(
      'INPUT_INVALID',
      `${names.a} (${a.size} problems) and ${names.b} (${b.size}) are not scores of the same problems: problem ${JSON.stringify(missing)} is only in ${holder}`,
    );
  }
  const problems = a.size;
  let aOnly = 0;
  let bOnly = 0;
  let aCorrect = 0;
  let bCorrect = 0;
  for (const [id, right] of a) {
    const other = b.get(id) === true;
    if (right) aCorrect++;
    if (other) bCorrect++;
    if (right && !other) aOnly++;
    if (other && !right) bOnly++;
  }
  const first = { correct: aCorrect, ...accuracyOf(aCorrect, problems) };
  const second = { correct: bCorrect, ...accuracyOf(bCorrect, problems) };
  const difference = problems === 0 ? 0 : (aOnly - bOnly) / problems;
  const discordant = aOnly + bOnly;
  return {
    problems,
    a: first,
    b: second,
    difference,
    unpairedStandardError: Math.hypot(first.standardError, second.standardError),
    aOnly,
    bOnly,
    pairedStandardError:
      problems === 0 ? 0 : Math.sqrt(Math.max(0, discordant - (aOnly - bOnly) ** 2 / problems)) / problems,
    barsApart: Math.abs(first.accuracy - second.accuracy) > first.standardError + second.standardError,
  };
}
