/**
 * Answer checking: speed and agreement.
 *   npm run bench:grading [-- --passes 5] [-- --shared ../shared]
 *
 * 1. The MATH checker on the 2040 labelled conformance cases (shared/grading): agreement with the paper's
 *    checker, cases per second cold and warm, the slowest case — in paper mode (the paper's checker) and in
 *    the default mode (widened, math-equivalence-wide.ts).
 * 2. Whole grading (extraction + checking) on the conformance corpus (test/grading/corpus): confusion counts
 *    per category in both modes, cases per second, the slowest case.
 * 3. Whole grading on responses derived from MATH-500 and GSM8K test (test/grading/corpus/derived-cases.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { explainResponse } from '../src/grading/grade-response.js';
import type { GradingMode } from '../src/grading/grading-mode.js';
import { isMathEquivalent } from '../src/grading/math-equivalence.js';
import { explainMathEquivalence } from '../src/grading/math-equivalence-wide.js';
import type { AnswerType } from '../src/spec/problem.js';
import { loadCorpus, scoreCorpus, type Confusion } from '../test/grading/corpus/corpus.js';
import { gsm8kCases, mathCases } from '../test/grading/corpus/derived-cases.js';

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

interface Timed<T> {
  item: T;
  milliseconds: number;
}

/** Runs `check` over the items: one cold pass, then `passes` warm ones; the median warm rate and the slowest case. */
function measure<T>(
  items: readonly T[],
  check: (item: T) => unknown,
): { coldSeconds: number; warmSeconds: number; slowest: Timed<T> | null } {
  let slowest: Timed<T> | null = null;
  const pass = () => {
    const started = performance.now();
    for (const item of items) {
      const caseStarted = performance.now();
      check(item);
      const milliseconds = performance.now() - caseStarted;
      if (slowest === null || milliseconds > slowest.milliseconds) slowest = { item, milliseconds };
    }
    return (performance.now() - started) / 1000;
  };
  const coldSeconds = pass();
  const warm = Array.from({ length: passes }, pass).sort((a, b) => a - b);
  return { coldSeconds, warmSeconds: warm[Math.floor(warm.length / 2)] ?? coldSeconds, slowest };
}

const rate = (count: number, seconds: number) => `${(count / seconds).toFixed(0)} cases/s`;

// 1. The MATH checker on the conformance set.
const cases = readFileSync(path.join(sharedDir, 'grading', 'math_answer_equivalence.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);
console.log(`Answer checking, node ${process.version}`);
console.log(`\n1. MATH checker on ${cases.length} conformance cases (the paper checker's verdicts)`);
const checkers: [string, (item: Case) => boolean][] = [
  ['paper mode  ', (item) => isMathEquivalent(item.given, item.ground_truth)],
  ['default mode', (item) => explainMathEquivalence(item.given, item.ground_truth).correct],
];
for (const [name, check] of checkers) {
  const agree = cases.filter((item) => check(item) === item.equivalent).length;
  const { coldSeconds, warmSeconds, slowest } = measure(cases, check);
  console.log(
    `${name}: agreement ${agree}/${cases.length} (${((100 * agree) / cases.length).toFixed(2)}%), cold ${rate(cases.length, coldSeconds)}, ` +
      `warm (median of ${passes}) ${rate(cases.length, warmSeconds)}, slowest ${slowest?.milliseconds.toFixed(1)} ms ` +
      `(${JSON.stringify(slowest?.item.given)} vs ${JSON.stringify(slowest?.item.ground_truth)})`,
  );
}

// 2. Whole grading on the conformance corpus.
const corpus = loadCorpus();
console.log(`\n2. Extraction + checking on the conformance corpus (${corpus.length} cases), TP/FP/TN/FN per category`);
const scores = { default: scoreCorpus(corpus, 'default'), paper: scoreCorpus(corpus, 'paper') };
const cell = (counts: Confusion | undefined) =>
  counts === undefined
    ? ''
    : `${counts.truePositive}/${counts.falsePositive}/${counts.trueNegative}/${counts.falseNegative}`;
console.log('| category | cases | default TP/FP/TN/FN | paper TP/FP/TN/FN |');
console.log('|---|---:|---|---|');
const categories = [...new Set(corpus.map((item) => item.category))].sort();
for (const category of categories) {
  const count = corpus.filter((item) => item.category === category).length;
  console.log(
    `| ${category} | ${count} | ${cell(scores.default.byCategory.get(category))} | ${cell(scores.paper.byCategory.get(category))} |`,
  );
}
console.log(`| **all** | ${corpus.length} | ${cell(scores.default.total)} | ${cell(scores.paper.total)} |`);
const paperWrongRight = new Set(
  scores.paper.disagreements.filter((entry) => entry.verdict).map((entry) => entry.index),
);
const newFalsePositives = scores.default.disagreements.filter(
  (entry) => entry.verdict && !paperWrongRight.has(entry.index),
).length;
for (const mode of ['default', 'paper'] as const) {
  const agree = corpus.length - scores[mode].disagreements.length;
  console.log(
    `${mode}: agreement with the expected verdicts ${agree}/${corpus.length} (${((100 * agree) / corpus.length).toFixed(1)}%)`,
  );
}
console.log(`wrong answers called right by the default mode but not by the paper mode: ${newFalsePositives}`);
for (const mode of ['default', 'paper'] as GradingMode[]) {
  const { warmSeconds, slowest } = measure(corpus, (item) =>
    explainResponse(item.response, item.gold, item.answer_type, { mode }),
  );
  console.log(
    `${mode} mode speed: ${rate(corpus.length, warmSeconds)} warm, slowest ${slowest?.milliseconds.toFixed(1)} ms (${JSON.stringify(slowest?.item.response.slice(0, 60))})`,
  );
}

// 3. Responses derived from the data sets.
const derived = [
  ...mathCases(path.join(sharedDir, 'data', 'math', 'math500.jsonl')),
  ...gsm8kCases(path.join(sharedDir, 'data', 'gsm8k', 'test.jsonl')),
];
console.log(
  `\n3. Extraction + checking on ${derived.length} responses derived from MATH-500 and GSM8K test (right/total)`,
);
console.log('| derived category | expected | default | paper |');
console.log('|---|---|---:|---:|');
for (const category of [...new Set(derived.map((item) => item.category))]) {
  const items = derived.filter((item) => item.category === category);
  const right = (mode: GradingMode) =>
    items.filter(
      (item) =>
        explainResponse(item.response, item.gold, item.answer_type as AnswerType, { mode }).correct === item.expected,
    ).length;
  console.log(
    `| ${category} | ${items[0]?.expected ? 'right' : 'wrong'} | ${right('default')}/${items.length} | ${right('paper')}/${items.length} |`,
  );
}
const { warmSeconds, slowest } = measure(derived, (item) =>
  explainResponse(item.response, item.gold, item.answer_type),
);
console.log(
  `default mode speed: ${rate(derived.length, warmSeconds)} warm, slowest ${slowest?.milliseconds.toFixed(1)} ms`,
);
