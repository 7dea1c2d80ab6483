import type { Command } from 'commander';
import { formatComparison } from '../../evaluate/format-comparison.js';
import { compareRunScores } from '../../pipeline/score-by-problem.js';

/**
 * `maft compare <run-dir> <a> <b>`: two scores of the held-out problems compared, unpaired and paired on the same
 * problems (docs/compare.md). `--against <run-dir>` reads `b` from another run on the same held-out problems (an
 * ablation against the run it reused). Read-only: a run still being written can be compared.
 */
export function runCompareCommand(
  directory: string,
  a: string,
  b: string,
  flags: { against?: string; json?: boolean },
): void {
  const { names, stages, comparison } = compareRunScores(directory, a, b, flags.against);
  if (flags.json) {
    const { a: scoreA, b: scoreB, ...difference } = comparison;
    const json = {
      a: { name: names.a, stage: stages.a, ...scoreA },
      b: { name: names.b, stage: stages.b, ...scoreB },
      ...difference,
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  process.stdout.write(formatComparison(comparison, names));
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      "two scores of a run's held-out problems compared: difference ± SE unpaired and paired on the same problems, discordant counts, whether the ± SE bars are apart (reads the run, never changes it)",
    )
    .argument('<run-dir>', 'a run directory made by maft run')
    .argument(
      '<a>',
      'a score: base, majority, debate, or a finetuning method with its iteration (multiagent-ft@3; without @k its last)',
    )
    .argument('<b>', 'the score a is compared with (same form)')
    .option('--against <run-dir>', 'read b from this run (the same held-out problems), e.g. an ablation')
    .option('--json', 'print the comparison as one JSON object')
    .action(runCompareCommand);
}
