import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import type { RunResults } from '../../spec/run-results.js';
import { resultsArtifact } from '../../pipeline/write-results.js';
import { renderReports } from '../../report/write-report.js';
import { writeFileAtomic } from '../../run-store/atomic-file.js';
import { readRun } from '../../run-store/read-run.js';

/** A run's results.json (written by maft run after every stage). */
export function readRunResults(runDirectory: string): RunResults {
  const run = readRun(runDirectory);
  const file = path.join(run.layout.artifacts, resultsArtifact);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunResults;
  } catch {
    throw new MaftError(
      'FILE_NOT_FOUND',
      'no results yet (this is not a maft run directory, or its first stage has not finished)',
      { file },
    );
  }
}

/**
 * `maft report <run-dir>`: render the run's saved results into one self-contained HTML file and a Markdown
 * summary (default: report.html and report.md in the run's artifacts). Nothing but the run's files is read,
 * so a report can be made while the run goes on, or long after, on another machine.
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description("render a maft run's results as a self-contained HTML report and a Markdown summary")
    .argument('<run-dir>', 'a run directory made by maft run')
    .option('--html <file>', 'where the HTML goes (default <run-dir>/artifacts/report.html)')
    .option('--markdown <file>', 'where the Markdown goes (default <run-dir>/artifacts/report.md)')
    .option('--print', 'also print the Markdown summary')
    .action((runDirectory: string, flags: { html?: string; markdown?: string; print?: boolean }) => {
      const results = readRunResults(runDirectory);
      const { html, markdown } = renderReports(results);
      const htmlFile = flags.html ?? path.join(runDirectory, 'artifacts', 'report.html');
      const markdownFile = flags.markdown ?? path.join(runDirectory, 'artifacts', 'report.md');
      writeFileAtomic(htmlFile, html);
      writeFileAtomic(markdownFile, markdown);
      if (flags.print) process.stdout.write(markdown);
      process.stdout.write(`wrote ${htmlFile} and ${markdownFile}\n`);
    });
}
