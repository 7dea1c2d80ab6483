import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { MaftError } from '../../errors/maft-error.js';
import { gradeLine } from '../../grading/grade-line.js';
import { gradingModes, type GradingMode } from '../../grading/grading-mode.js';
import { answerTypeOfTask } from '../../tasks/task-answer-type.js';
import { parseFallbacks } from '../parse-fallbacks.js';

interface GradeFlags {
  task: string;
  input?: string;
  answerType?: string;
  fallbacks?: string;
  grading: string;
  explain?: boolean;
}

/**
 * `maft grade`: grade outputs of any tool with maft's extraction and equivalence. Reads JSONL (a file or
 * stdin) and writes one `{"extracted", "correct"}` line per input line, in order, as it goes (with
 * `--explain`, also `rule`: the extraction rule that found the answer, and `reason`: why it matched or
 * not); a bad line stops the run with an error naming its line, and nothing is written past it.
 * `--grading paper` grades as the paper's checker does (docs/grading.md).
 */
export function registerGradeCommand(program: Command): void {
  program
    .command('grade')
    .description('grade model outputs: JSONL {response, answer} or {given, ground_truth} → {extracted, correct}')
    .requiredOption('--task <name>', 'arithmetic | gsm8k | math | mmlu | jsonl (decides extraction and equivalence)')
    .option('--input <file>', 'JSONL input (default: stdin)')
    .option('--answer-type <type>', 'numeric | math | choice | exact (required for --task jsonl)')
    .option('--fallbacks <list>', 'the paper\'s extraction fallbacks when there is no \\boxed{}, in order, or "none"')
    .option(
      '--grading <mode>',
      "default (extraction by priorities, widened MATH checker) | paper (the paper's checker)",
      'default',
    )
    .option('--explain', 'add to each line the extraction rule and why the answer matched or not')
    .action(async (flags: GradeFlags) => {
      const answerType = answerTypeOfTask(flags.task, flags.answerType);
      const fallbacks = flags.fallbacks === undefined ? undefined : parseFallbacks(flags.fallbacks);
      if (!(gradingModes as readonly string[]).includes(flags.grading)) {
        throw new MaftError('CONFIG_INVALID', `expected one of ${gradingModes.join(', ')}, got "${flags.grading}"`, {
          field: '--grading',
        });
      }
      const options = { mode: flags.grading as GradingMode, ...(fallbacks ? { fallbacks } : {}) };
      const file = flags.input ?? '<stdin>';
      if (flags.input !== undefined && !existsSync(flags.input)) {
        throw new MaftError('FILE_NOT_FOUND', 'no such file', { file: flags.input });
      }
      const input = flags.input === undefined ? process.stdin : createReadStream(flags.input);
      let line = 0;
      for await (const text of createInterface({ input, crlfDelay: Infinity })) {
        line++;
        if (text.trim() === '') continue;
        const { extracted, correct, rule, reason } = gradeLine(text, { file, line }, answerType, options);
        const grade = flags.explain ? { extracted, correct, rule, reason } : { extracted, correct };
        if (!process.stdout.write(`${JSON.stringify(grade)}\n`)) {
          await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      }
    });
}
