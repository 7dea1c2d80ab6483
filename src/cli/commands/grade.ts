import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import { gradeLine } from '../../grading/grade-line.js';
import { answerTypeOfTask } from '../../tasks/task-answer-type.js';
import { parseFallbacks } from '../parse-fallbacks.js';

interface GradeFlags {
  task: string;
  input?: string;
  answerType?: string;
  fallbacks?: string;
}

/**
 * `maft grade`: grade outputs of any tool with maft's extraction and equivalence. Reads JSONL (a file or
 * stdin) and writes one `{"extracted", "correct"}` line per input line, in order, as it goes; a bad line
 * stops the run with an error naming its line, and nothing is written past it.
 */
export function registerGradeCommand(program: Command): void {
  program
    .command('grade')
    .description('grade model outputs: JSONL {response, answer} or {given, ground_truth} → {extracted, correct}')
    .requiredOption('--task <name>', 'arithmetic | gsm8k | math | mmlu | jsonl (decides extraction and equivalence)')
    .option('--input <file>', 'JSONL input (default: stdin)')
    .option('--answer-type <type>', 'numeric | math | choice | exact (required for --task jsonl)')
    .option('--fallbacks <list>', 'extraction fallbacks when there is no \\boxed{}, in order, or "none"')
    .action(async (flags: GradeFlags) => {
      const answerType = answerTypeOfTask(flags.task, flags.answerType);
      const fallbacks = flags.fallbacks === undefined ? undefined : parseFallbacks(flags.fallbacks);
      const file = flags.input ?? '<stdin>';
      if (flags.input !== undefined && !existsSync(flags.input)) {
        throw new MaftError('FILE_NOT_FOUND', 'no such file', { file: flags.input });
      }
      const input = flags.input === undefined ? process.stdin : createReadStream(flags.input);
      let line = 0;
      for await (const text of createInterface({ input, crlfDelay: Infinity })) {
        line++;
        if (text.trim() === '') continue;
        const grade = gradeLine(text, { file, line }, answerType, fallbacks ? { fallbacks } : {});
        if (!process.stdout.write(`${JSON.stringify(grade)}\n`)) {
          await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      }
    });
}
