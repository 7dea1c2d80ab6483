/**
 * Write a run's report files: `artifacts/report.html` (self-contained, charts inlined) and
 * `artifacts/report.md`, rendered from the results alone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RunResults } from '../spec/run-results.js';
import { renderReportHtml, type ChartLibraries } from './render-html.js';
import { renderReportMarkdown } from './render-markdown.js';

const require = createRequire(import.meta.url);

/** The charting libraries' browser builds, next to their CommonJS entries (the packages do not export them). */
export function chartLibraries(): ChartLibraries {
  const beside = (entry: string, file: string) =>
    readFileSync(path.join(path.dirname(require.resolve(entry)), file), 'utf8');
  return {
    chart: beside('chart.js', 'chart.umd.min.js'),
    errorBars: beside('chartjs-chart-error-bars', 'index.umd.min.js'),
  };
}

export function reportTitle(results: RunResults): string {
  return `maft: multiagent finetuning on ${results.task}`;
}

export function renderReports(results: RunResults): { html: string; markdown: string } {
  const title = reportTitle(results);
  return { html: renderReportHtml(results, chartLibraries(), title), markdown: renderReportMarkdown(results, title) };
}

/** Render into the run's artifacts; returns the two paths. */
export function writeReportFiles(
  run: { writeArtifact(name: string, text: string): string },
  results: RunResults,
): { html: string; markdown: string } {
  const { html, markdown } = renderReports(results);
  return { html: run.writeArtifact('report.html', html), markdown: run.writeArtifact('report.md', markdown) };
}
