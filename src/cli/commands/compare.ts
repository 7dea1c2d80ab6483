import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import { formatComparison } from '../../evaluate/format-comparison.js';
import { pairedDifference } from '../../evaluate/paired-difference.js';
import { readScoreByProblem } from '../../pipeline/score-by-problem.js';

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
) {
  const other = flags.against ?? directory;
  const first = readScoreByProblem(directory, a);
  const second = readScoreByProblem(other, b);
  const label = (run: string, text: string) => (run === directory ? text : `${run}:${text}`);
  const names = { a: label(directory, a), b: label(other, b) };
  for (const [id, question] of first.questions) {
    const theirs = second.questions.get(id);
    if (theirs !== undefined && theirs !== question)
      throw new MaftError(
        'INPUT_INVALID',
        `${names.a} and ${names.b} have different problems under one id ${JSON.stringify(id)} (other splits or tasks): not comparable`,
      );
  }
  const comparison = pairedDifference(first.right, second.right, names);
  if (flags.json) {
    const { a: scoreA, b: scoreB, ...difference } = comparison;
    const json = {
      a: { name: names.a, stage: first.stage, ...scoreA },
      b: { name: names.b, stage: second.stage, ...scoreB },
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
