/**
 * The table `maft build-data` prints: per agent, its generator rows, the critic's candidates D⁻ (corrected)
 * and D⁺ (confirmed), and the critic's mixed data; then the pooled baselines. Pure: counts in, text out.
 */
import type { DatasetCounts } from './dataset-files.js';
import type { DatasetSettings } from './society-datasets.js';

export function formatDatasetCounts(counts: DatasetCounts, settings: DatasetSettings, title: string): string {
  const mix =
    settings.criticMix === 'all'
      ? 'critic mix: all of D⁻ and D⁺'
      : `critic mix: w = ${formatShare(settings.correctedShare)}`;
  const header = ['agent', 'generator', 'D⁻ corrected', 'D⁺ confirmed', 'critic (mixed)'];
  const body = counts.agents.map((agent) => [
    String(agent.agent),
    String(agent.generator),
    String(agent.corrected),
    String(agent.confirmed),
    String(agent.critic),
  ]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd()}`;
  return [
    `${title}`,
    `  iteration ${settings.iteration}, ${counts.problems} problems, ${counts.agents.length} agents, ${mix}, seed ${settings.seed}`,
    line(header),
    ...body.map(line),
    `  pooled: single-agent ${counts.pooled.singleAgent}, majority ${counts.pooled.majority}`,
    '',
  ].join('\n');
}

/** w as printed: up to 3 decimals, no trailing zeros (2/3 → 0.667, 0.5 → 0.5). */
export function formatShare(share: number): string {
  return String(Number(share.toFixed(3)));
}

/**
 * Notes worth a line: an agent whose critic gets no row although it has candidates (the w-mix cannot meet its
 * share with one side empty), an agent with no generator rows at all, and qualifying replies left out.
 */
export function datasetWarnings(counts: DatasetCounts, settings: DatasetSettings): string[] {
  const warnings: string[] = [];
  for (const agent of counts.agents) {
    const { truncated, blank } = agent.skipped;
    if (truncated + blank > 0) {
      warnings.push(
        `agent ${agent.agent}: ${truncated + blank} agreeing replies left out (${truncated} cut by the token limit, ${blank} blank)`,
      );
    }
    if (agent.generator === 0)
      warnings.push(
        `agent ${agent.agent}: no generator rows (no trainable round-1 reply agreed with the final majority)`,
      );
    if (agent.critic === 0 && agent.corrected + agent.confirmed > 0 && settings.criticMix === 'w') {
      const empty = agent.corrected === 0 ? 'D⁻' : 'D⁺';
      warnings.push(
        `agent ${agent.agent}: no critic rows: ${empty} is empty, so no mix with w = ${formatShare(settings.correctedShare)} exists (--critic-mix all keeps every row)`,
      );
    }
  }
  return warnings;
}
