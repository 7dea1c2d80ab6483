/**
 * Seeded randomness. maft never uses Math.random: every random choice (problem generation, splits, tie
 * breaks, which other agents a critic sees) comes from a generator seeded by the run's seed and a label, so
 * the same seed always reproduces the same run.
 */

/** 32-bit FNV-1a hash of a string: stable across platforms and Node versions. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Derive a 32-bit seed from a base seed and labels, e.g. `deriveSeed(seed, 'vote', problemId)`. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  return hashString(`${seed}\u0000${labels.join('\u0000')}`);
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  integer(min: number, max: number): number;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; plenty for sampling problems and breaking ties. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = random.integer(0, index);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
