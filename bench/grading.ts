/**
 * Speed of the MATH answer checker on the conformance set (2040 labelled cases): cases per second over
 * several passes, agreement with the reference labels, and the slowest single case.
 *   npm run bench:grading [-- --passes 5] [-- --shared ../shared]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMathEquivalent } from '../src/grading/math-equivalence.js';

interface Case {
  given: string;
  ground_truth: string;
  equivalent: boolean;
}

const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const sharedDir = flag('shared', process.env['MAFT_SHARED_DIR'] ?? path.resolve('..', 'shared'));
const passes = Number(flag('passes', '5'));

const cases = readFileSync(path.join(sharedDir, 'grading', 'math_answer_equivalence.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

// The first pass includes the CAS's start-up (parsing tables, caches); report it separately.
const coldStart = performance.now();
let agree = 0;
let slowest = { milliseconds: 0, case: cases[0] };
for (const item of cases) {
  const started = performance.now();
  const verdict = isMathEquivalent(item.given, item.ground_truth);
  const elapsed = performance.now() - started;
  if (verdict === item.equivalent) agree++;
  if (elapsed > slowest.milliseconds) slowest = { milliseconds: elapsed, case: item };
}
const coldSeconds = (performance.now() - coldStart) / 1000;

const warmTimes: number[] = [];
for (let pass = 0; pass < passes; pass++) {
  const started = performance.now();
  for (const item of cases) {
    const caseStarted = performance.now();
    isMathEquivalent(item.given, item.ground_truth);
    const elapsed = performance.now() - caseStarted;
    if (elapsed > slowest.milliseconds) slowest = { milliseconds: elapsed, case: item };
  }
  warmTimes.push((performance.now() - started) / 1000);
}
const median = [...warmTimes].sort((a, b) => a - b)[Math.floor(warmTimes.length / 2)] ?? coldSeconds;

console.log(`MATH equivalence, ${cases.length} conformance cases, node ${process.version}`);
console.log(`agreement with the paper's checker: ${agree}/${cases.length} (${((100 * agree) / cases.length).toFixed(2)}%)`);
console.log(`first pass (cold): ${(cases.length / coldSeconds).toFixed(0)} cases/s (${coldSeconds.toFixed(2)} s)`);
console.log(`warm, median of ${passes} passes: ${(cases.length / median).toFixed(0)} cases/s (${median.toFixed(2)} s per pass)`);
console.log(`warm/cold speed ratio: ${(coldSeconds / median).toFixed(2)}`);
console.log(
  `slowest case: ${slowest.milliseconds.toFixed(1)} ms — given ${JSON.stringify(slowest.case?.given)} vs ${JSON.stringify(slowest.case?.ground_truth)}`,
);
