/**
 * Cases derived at test time from the public data sets in ../shared (never copied into the repository):
 * MATH-500 answers and GSM8K test solutions, rewritten the ways models write them when they do not box.
 * None of these was looked at while writing the rules, so they check that the rules were not fitted to the
 * hand-written corpus. Shared by answer-checking-datasets.test.ts and `npm run bench:grading`.
 */
import { readFileSync } from 'node:fs';
import { extractLastBoxed } from '../../../src/grading/boxed.js';
import { isMathEquivalent } from '../../../src/grading/math-equivalence.js';
import type { AnswerType } from '../../../src/spec/problem.js';

export interface DerivedCase {
  category: string;
  answer_type: AnswerType;
  response: string;
  gold: string;
  expected: boolean;
}

function jsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The solution with its last `\boxed{X}` written as plain `X` (what a model that does not box writes). */
function unbox(solution: string): string | null {
  const start = solution.lastIndexOf('\\boxed{');
  const content = extractLastBoxed(solution);
  if (start < 0 || content === null) return null;
  return `${solution.slice(0, start)}${content}${solution.slice(start + '\\boxed{'.length + content.length + 1)}`;
}

export function mathCases(file: string): DerivedCase[] {
  const records = jsonl<{ solution: string; answer: string }>(file);
  const cases: DerivedCase[] = [];
  records.forEach((record, index) => {
    const gold = record.answer;
    const other = records[(index + 1) % records.length]?.answer ?? '';
    const unboxed = unbox(record.solution);
    if (unboxed !== null)
      cases.push({ category: 'math-solution-unboxed', answer_type: 'math', response: unboxed, gold, expected: true });
    cases.push({
      category: 'math-final-answer-phrase',
      answer_type: 'math',
      response: `Final Answer: The final answer is $${gold}$. I hope it is correct.`,
      gold,
      expected: true,
    });
    cases.push({
      category: 'math-answer-is',
      answer_type: 'math',
      response: `Therefore, the answer is \\(${gold}\\).`,
      gold,
      expected: true,
    });
    // Another problem's answer: wrong, unless it is the same answer (equal strings or equal under the paper's checker).
    if (
      other.replace(/\s/g, '') !== gold.replace(/\s/g, '') &&
      !isMathEquivalent(other, gold) &&
      !isMathEquivalent(gold, other)
    ) {
      cases.push({
        category: 'math-other-answer',
        answer_type: 'math',
        response: `The final answer is $${other}$.`,
        gold,
        expected: false,
      });
      cases.push({
        category: 'math-other-answer',
        answer_type: 'math',
        response: `Thus $\\boxed{${other}}$.`,
        gold,
        expected: false,
      });
    }
  });
  return cases;
}

export function gsm8kCases(file: string): DerivedCase[] {
  const cases: DerivedCase[] = [];
  for (const { answer } of jsonl<{ answer: string }>(file)) {
    const match = /\n#### (.+)$/.exec(answer.trim());
    if (match?.[1] === undefined) continue;
    const gold = match[1].trim();
    const body = answer.slice(0, match.index).replace(/<<[^<>]*>>/g, '');
    const wrong = String(Number(gold.replace(/,/g, '')) + 1);
    cases.push({ category: 'gsm8k-hashes', answer_type: 'numeric', response: answer, gold, expected: true });
    cases.push({
      category: 'gsm8k-answer-is',
      answer_type: 'numeric',
      response: `${body}\nThe answer is ${gold}.`,
      gold,
      expected: true,
    });
    cases.push({ category: 'gsm8k-prose-only', answer_type: 'numeric', response: body, gold, expected: true });
    cases.push({
      category: 'gsm8k-wrong',
      answer_type: 'numeric',
      response: `${body}\nThe answer is ${wrong}.`,
      gold,
      expected: false,
    });
  }
  return cases;
}
