/**
 * The answer-checking conformance corpus (answer-checking.jsonl): model-style responses with the reference
 * answer and the verdict a careful grader should give, each with its category and source (see README.md).
 * Shared by the test (answer-checking-corpus.test.ts) and `npm run bench:grading`.
 */
import { readFileSync } from 'node:fs';
import { explainResponse } from '../../../src/grading/grade-response.js';
import type { GradingMode } from '../../../src/grading/grading-mode.js';
import type { AnswerType } from '../../../src/spec/problem.js';

export interface CorpusCase {
  category: string;
  answer_type: AnswerType;
  response: string;
  gold: string;
  expected: boolean;
  source: string;
  /** When set, what the default extraction must find (null: no answer). */
  expected_extracted?: string | null;
}

export function loadCorpus(): CorpusCase[] {
  return readFileSync(new URL('./answer-checking.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusCase);
}

export interface Confusion {
  /** Right answers called right. */
  truePositive: number;
  /** Wrong answers called right (the costly error). */
  falsePositive: number;
  /** Wrong answers called wrong. */
  trueNegative: number;
  /** Right answers called wrong (a miss). */
  falseNegative: number;
}

export interface CorpusScore {
  byCategory: Map<string, Confusion>;
  total: Confusion;
  /** Cases where the verdict differs from the expected one. */
  disagreements: { index: number; item: CorpusCase; verdict: boolean; extracted: string | null }[];
}

export function scoreCorpus(cases: readonly CorpusCase[], mode: GradingMode): CorpusScore {
  const byCategory = new Map<string, Confusion>();
  const total: Confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  const disagreements: CorpusScore['disagreements'] = [];
  cases.forEach((item, index) => {
    const { correct, extracted } = explainResponse(item.response, item.gold, item.answer_type, { mode });
    const key = item.expected
      ? correct
        ? 'truePositive'
        : 'falseNegative'
      : correct
        ? 'falsePositive'
        : 'trueNegative';
    const counts = byCategory.get(item.category) ?? {
      truePositive: 0,
      falsePositive: 0,
      trueNegative: 0,
      falseNegative: 0,
    };
    counts[key]++;
    total[key]++;
    byCategory.set(item.category, counts);
    if (correct !== item.expected) disagreements.push({ index, item, verdict: correct, extracted });
  });
  return { byCategory, total, disagreements };
}
