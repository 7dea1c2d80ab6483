import { Command } from 'commander';
import { describe, it, expect, vi, afterEach } from 'vitest';
import { registerProblemsCommand } from '../../src/cli/commands/problems.js';
import type { Problem } from '../../src/spec/problem.js';
import { sharedPath } from '../helpers/shared-data.js';
import { caught } from './expect-error.js';

/** Run `maft problems …` in-process; the JSONL it printed, parsed. */
async function problems(...args: string[]): Promise<Problem[]> {
  const program = new Command('maft').exitOverride();
  registerProblemsCommand(program);
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  await program.parseAsync(['problems', ...args], { from: 'user' });
  vi.restoreAllMocks();
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Problem);
}

afterEach(() => vi.restoreAllMocks());

describe('maft problems', () => {
  it('prints every problem of a task without --split, and honours --limit', async () => {
    expect(await problems('--task', 'arithmetic', '--count', '25', '--seed', '3')).toHaveLength(25);
    const limited = await problems('--task', 'arithmetic', '--limit', '2', '--max', '9');
    expect(limited).toHaveLength(2);
    expect(limited[0]?.id).toMatch(/^arithmetic\/\d\+\d\*\d\+\d-\d\*\d$/);
  });

  it('prints disjoint splits that agree with --limit', async () => {
    const common = ['--task', 'gsm8k', '--path', sharedPath('data', 'gsm8k', 'test.jsonl'), '--seed', '5'];
    const finetune = await problems(...common, '--split', 'finetune', '--finetune-count', '100', '--eval-count', '50');
    const held = await problems(...common, '--split', 'eval', '--finetune-count', '100', '--eval-count', '50');
    expect([finetune.length, held.length]).toEqual([100, 50]);
    const ids = new Set(finetune.map((problem) => problem.id));
    expect(held.some((problem) => ids.has(problem.id))).toBe(false);
    const firstTen = await problems(...common, '--split', 'eval', '--eval-count', '50', '--limit', '10');
    expect(firstTen).toEqual(held.slice(0, 10));
  });

  it('passes MATH levels and subjects through', async () => {
    const path = sharedPath('data', 'math', 'math500.jsonl');
    const printed = await problems('--task', 'math', '--path', path, '--levels', '1', '--subjects', 'Number Theory');
    expect(printed.length).toBeGreaterThan(0);
    expect(printed.every((problem) => problem.metadata?.['level'] === 1)).toBe(true);
    expect(printed.every((problem) => problem.metadata?.['subject'] === 'number_theory')).toBe(true);
    expect(await problems('--task', 'math', '--path', path, '--levels', 'all')).toHaveLength(500);
  });

  it('throws MaftError on bad input instead of printing', async () => {
    expect((await caught(() => problems('--task', 'nope'))).code).toBe('UNKNOWN_NAME');
    expect((await caught(() => problems('--task', 'arithmetic', '--limit', 'ten'))).toOneLine()).toBe(
      '--limit: expected an integer, got "ten"',
    );
    expect((await caught(() => problems('--task', 'arithmetic', '--split', 'test'))).code).toBe('CONFIG_INVALID');
    expect((await caught(() => problems('--task', 'gsm8k', '--path', '/no/such.jsonl'))).code).toBe('FILE_NOT_FOUND');
    const tooMany = await caught(() =>
      problems('--task', 'math', '--path', sharedPath('data', 'math', 'math500.jsonl'), '--split', 'eval'),
    );
    expect(tooMany.message).toContain('has 238 problems');
  });
});
