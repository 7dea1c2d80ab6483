import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { testDirectory } from '../run-store/temporary-directory.js';

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

describe('maft grade', () => {
  it('grades responses and extracted answers from a file, in order', () => {
    const dir = testDirectory('grade');
    const file = path.join(dir, 'outputs.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ response: 'so she makes $18.\n#### 18', answer: '18' }),
        JSON.stringify({ response: 'I think \\boxed{1,080}', answer: 1080 }),
        '',
        JSON.stringify({ given: '17', ground_truth: '18' }),
        JSON.stringify({ given: null, ground_truth: '18' }),
        JSON.stringify({ response: 'no idea', answer: '3' }),
      ].join('\n'),
    );
    const result = runCli(['grade', '--task', 'gsm8k', '--input', file]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual([
      { extracted: '18', correct: true },
      { extracted: '1,080', correct: true },
      { extracted: '17', correct: false },
      { extracted: null, correct: false },
      { extracted: null, correct: false },
    ]);
  });

  it('reads stdin and grades MATH answers with the MATH checker', () => {
    const input = [
      JSON.stringify({ response: 'Thus $\\boxed{\\dfrac{1}{2}}$.', answer: '\\frac12' }),
      JSON.stringify({ given: '\\frac{1}{3}', ground_truth: '\\frac{1}{2}' }),
    ].join('\n');
    const result = runCli(['grade', '--task', 'math'], input);
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual([
      { extracted: '\\dfrac{1}{2}', correct: true },
      { extracted: '\\frac{1}{3}', correct: false },
    ]);
  });

  it('stops at a bad line with its number, exit 2, and writes nothing past it', () => {
    const input = [
      JSON.stringify({ given: 'B', ground_truth: 'B' }),
      JSON.stringify({ given: 'A', ground_truth: 'B' }),
      '{"given": "C", "ground_truth": ',
      JSON.stringify({ given: 'B', ground_truth: 'B' }),
    ].join('\n');
    const result = runCli(['grade', '--task', 'mmlu'], input);
    expect(result.status).toBe(2);
    expect(lines(result.stdout)).toHaveLength(2);
    expect(result.stderr).toMatch(/^maft: error \[INPUT_INVALID\]: <stdin>:3: not valid JSON/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the field a line lacks', () => {
    const result = runCli(['grade', '--task', 'gsm8k'], `${JSON.stringify({ response: 'x' })}\n`);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('<stdin>:1: answer: expected a string or a number, missing');
  });

  it('refuses an unknown task, a jsonl task without an answer type, and a missing file, in one line each', () => {
    for (const args of [
      ['grade', '--task', 'chess'],
      ['grade', '--task', 'jsonl'],
      ['grade', '--task', 'gsm8k', '--input', '/nonexistent/file.jsonl'],
      ['grade', '--task', 'gsm8k', '--fallbacks', 'last-word'],
    ]) {
      const result = runCli(args, '');
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(/^maft: error \[[A-Z_]+\]: /);
    }
  });

  it('uses only the fallbacks asked for', () => {
    const input = `${JSON.stringify({ response: 'we get 3, then 14', answer: '14' })}\n`;
    expect(lines(runCli(['grade', '--task', 'gsm8k'], input).stdout)).toEqual([{ extracted: '14', correct: true }]);
    expect(lines(runCli(['grade', '--task', 'gsm8k', '--fallbacks', 'none'], input).stdout)).toEqual([
      { extracted: null, correct: false },
    ]);
  });

  it('explains each grade: the extraction rule and why it matched or not', () => {
    const input = [
      JSON.stringify({ response: 'The answer is $\\frac{2}{2}$.', answer: '1' }),
      JSON.stringify({ response: 'Thus \\boxed{2\\cdot 3}', answer: '6' }),
      JSON.stringify({ response: 'We get \\[ x = 7 \\]', answer: '8' }),
      JSON.stringify({ response: 'no idea', answer: '3' }),
    ].join('\n');
    expect(lines(runCli(['grade', '--task', 'math', '--explain'], input).stdout)).toEqual([
      { extracted: '\\frac{2}{2}', correct: true, rule: 'phrase', reason: 'same exact value' },
      { extracted: '2\\cdot 3', correct: true, rule: 'boxed', reason: 'same exact value' },
      { extracted: '7', correct: false, rule: 'latex', reason: expect.stringMatching(/^not equal/) as unknown },
      { extracted: null, correct: false, rule: null, reason: 'no answer extracted' },
    ]);
  });

  it('grades as the paper did with --grading paper, and refuses an unknown mode', () => {
    const input = [
      JSON.stringify({ response: 'The answer is $\\frac{1}{3}$.', answer: '\\frac13' }),
      JSON.stringify({ response: '\\boxed{\\frac{2}{2}}', answer: '1' }),
    ].join('\n');
    expect(lines(runCli(['grade', '--task', 'math', '--grading', 'paper'], input).stdout)).toEqual([
      { extracted: null, correct: false },
      { extracted: '\\frac{2}{2}', correct: false },
    ]);
    expect(lines(runCli(['grade', '--task', 'math'], input).stdout)).toEqual([
      { extracted: '\\frac{1}{3}', correct: true },
      { extracted: '\\frac{2}{2}', correct: true },
    ]);
    const refused = runCli(['grade', '--task', 'math', '--grading', 'lenient'], input);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^maft: error \[CONFIG_INVALID\]: --grading: expected one of default, paper/);
  });
});
