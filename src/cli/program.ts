/**
 * The `maft` program (every command and the single error boundary), callable in-process: `main(argv)` returns
 * the exit code. The executable (main.ts) is a two-line shell around it.
 */
import { Command } from 'commander';
import { registerAdapterCommand } from './commands/adapter.js';
import { registerBuildDataCommand } from './commands/build-data.js';
import { registerCancelCommand } from './commands/cancel.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerBaseModelCommand } from './commands/base-model.js';
import { registerDebateCommand } from './commands/debate.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerFinetuneCommand } from './commands/finetune.js';
import { registerHfTrainCommand } from './commands/hf-train.js';
import { registerLabelsCommand } from './commands/labels.js';
import { registerGradeCommand } from './commands/grade.js';
import { registerProblemsCommand } from './commands/problems.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatusCommand } from './commands/status.js';
import { reportError } from './report-error.js';
import { packageVersion } from '../util/package-version.js';

/** The `maft` executable: one program, one error boundary (reportError). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('maft')
    .description('Multiagent finetuning: a society of LLM agents debates, votes and finetunes itself.')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerGradeCommand(program);
  registerProblemsCommand(program);
  registerDebateCommand(program);
  registerEvalCommand(program);
  registerBaseModelCommand(program);
  registerBuildDataCommand(program);
  registerFinetuneCommand(program);
  registerRunCommand(program);
  registerStatusCommand(program);
  registerCancelCommand(program);
  registerLabelsCommand(program);
  registerReportCommand(program);
  registerCompareCommand(program);
  registerServeCommand(program);
  registerAdapterCommand(program);
  registerHfTrainCommand(program);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
