/**
 * How often the finetuning data's labels are right, for every view (pure): per model (one DatasetSize) and per
 * method and iteration (its models summed). The counts are a read-only diagnostic graded against the ground
 * truth (finetune-data/label-accuracy.ts); results.json of runs made before them has none, and their rows
 * show `–` / are left out.
 */
import { methodLabels } from '../spec/methods.js';
import type { DatasetSize, RunResults } from '../spec/run-results.js';

/** The rows a model trains on and how many of them are right; null when the run did not count them. */
export function labelsOf(size: DatasetSize): { rows: number; right: number } | null {
  if (size.generatorRight === undefined) return null;
  // STaR trains on its hinted retries too (`corrected`), each kept only when right.
  const retries = size.method === 'star' ? size.corrected : 0;
  return {
    rows: size.generator + size.critic + retries,
    right: size.generatorRight + (size.criticRight ?? 0) + retries,
  };
}

/**
 * A model's critic rows right by kind: D⁻ (`correctedKept` rows, the answers the debate corrected) and D⁺ (the
 * rest, confirmed: derived, never stored); null when the run did not count them by kind.
 */
export function criticKindsOf(
  size: DatasetSize,
): { corrected: { rows: number; right: number }; confirmed: { rows: number; right: number } } | null {
  if (size.criticRight === undefined || size.criticCorrectedRight === undefined) return null;
  return {
    corrected: { rows: size.correctedKept, right: size.criticCorrectedRight },
    confirmed: { rows: size.critic - size.correctedKept, right: size.criticRight - size.criticCorrectedRight },
  };
}

/** `right/total (p%)`; `–` when not counted. */
export function rightOf(right: number | undefined, total: number | undefined): string {
  if (right === undefined || total === undefined) return '–';
  return total === 0 ? `${right}/0` : `${right}/${total} (${((100 * right) / total).toFixed(1)}%)`;
}

/** One model's counts as cells: labels right, generator rows right, critic rows right (all, D⁻, D⁺), round 1 right. */
export function labelCells(size: DatasetSize): string[] {
  const labels = labelsOf(size);
  const kinds = criticKindsOf(size);
  return [
    rightOf(labels?.right, labels?.rows),
    rightOf(size.generatorRight, size.generatorRight === undefined ? undefined : size.generator),
    rightOf(size.criticRight, size.criticRight === undefined ? undefined : size.critic),
    rightOf(kinds?.corrected.right, kinds?.corrected.rows),
    rightOf(kinds?.confirmed.right, kinds?.confirmed.rows),
    rightOf(size.firstRoundRight, size.firstRoundReplies),
  ];
}

/** Short, so the terminal table fits ~130 columns: each cell is `right/rows (p%)`, the title says "right". */
export const labelColumns = [
  'labels right',
  'generator rows',
  'critic rows',
  'D⁻ corrected',
  'D⁺ confirmed',
  'round 1, one agent',
];

export const labelAccuracyNote =
  'Rows of the finetuning data whose answer is right against the ground truth (graded as the eval grades; the ' +
  'method never sees it), next to how often the source debate’s round-1 answers were right — what one agent ' +
  'achieves on those problems. Training on its own majority can only improve a model when its labels are right ' +
  'clearly more often than the model itself is. The critic rows split by kind: D⁻, answers the debate corrected ' +
  '(round 1 disagreed with the final majority), and D⁺, answers it confirmed. D⁻ rows mostly right: the debate ' +
  'corrects; mostly wrong: it conforms to a wrong majority, and the critics learn to give in.';

/** A header, then one row per method and iteration that has counts, its models summed. */
export function labelAccuracyGrid(results: Pick<RunResults, 'datasets'>): string[][] {
  const groups = new Map<string, DatasetSize[]>();
  for (const size of results.datasets) {
    if (size.generatorRight === undefined) continue;
    const key = `${size.method}\u0000${size.iteration}`;
    groups.set(key, [...(groups.get(key) ?? []), size]);
  }
  const sum = (sizes: readonly DatasetSize[], field: (size: DatasetSize) => number | undefined) =>
    sizes.reduce((total, size) => total + (field(size) ?? 0), 0);
  // A count some model lacks (data built before it existed) is not summed as 0 but left out: `–`.
  const sumOfAll = (sizes: readonly DatasetSize[], field: (size: DatasetSize) => number | undefined) =>
    sizes.every((size) => field(size) !== undefined) ? sum(sizes, field) : undefined;
  return [
    ['method', 'iteration', ...labelColumns],
    ...[...groups.values()].map((sizes) => {
      const first = sizes[0] as DatasetSize;
      const summed: DatasetSize = {
        ...first,
        agent: null,
        generator: sum(sizes, (size) => size.generator),
        corrected: sum(sizes, (size) => size.corrected),
        confirmed: sum(sizes, (size) => size.confirmed),
        correctedKept: sum(sizes, (size) => size.correctedKept),
        confirmedKept: sum(sizes, (size) => size.confirmedKept),
        critic: sum(sizes, (size) => size.critic),
        generatorRight: sum(sizes, (size) => size.generatorRight),
        criticRight: sum(sizes, (size) => size.criticRight),
        criticCorrectedRight: sumOfAll(sizes, (size) => size.criticCorrectedRight),
        firstRoundReplies: sum(sizes, (size) => size.firstRoundReplies),
        firstRoundRight: sum(sizes, (size) => size.firstRoundRight),
      };
      return [methodLabels[first.method], String(first.iteration), ...labelCells(summed)];
    }),
  ];
}
