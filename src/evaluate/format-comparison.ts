/** `maft compare`'s table (pure): the two scores, then their difference unpaired and paired (docs/compare.md). */
import type { PairedDifference } from './paired-difference.js';

const percent = (share: number) => (share * 100).toFixed(1);
const signed = (share: number) => `${share >= 0 ? '+' : '−'}${percent(Math.abs(share))}`;
const ratio = (difference: number, error: number) =>
  error === 0 ? '—' : `${difference < 0 ? '−' : ''}${Math.abs(difference / error).toFixed(2)} SE`;

export function formatComparison(comparison: PairedDifference, names: { a: string; b: string }): string {
  const width = Math.max(names.a.length, names.b.length);
  const { a, b, difference, unpairedStandardError: unpaired, pairedStandardError: paired } = comparison;
  return [
    `${comparison.problems} held-out problems, the same for both`,
    `  ${names.a.padEnd(width)}  ${percent(a.accuracy)} ± ${percent(a.standardError)}  (${a.correct} right)`,
    `  ${names.b.padEnd(width)}  ${percent(b.accuracy)} ± ${percent(b.standardError)}  (${b.correct} right)`,
    `  difference ${signed(difference)} points`,
    `    unpaired  ± ${percent(unpaired)} (${ratio(difference, unpaired)}); ± SE bars ${comparison.barsApart ? 'apart' : 'overlap'}`,
    `    paired    ± ${percent(paired)} (${ratio(difference, paired)}); discordant: ${comparison.aOnly} right only under a, ${comparison.bOnly} only under b`,
    '',
  ].join('\n');
}
