import type { Command } from 'commander';
import { evaluateDebates } from '../../evaluate/metrics.js';
import { formatMetrics } from '../../evaluate/format-metrics.js';
import { MaftError } from '../../errors/maft-error.js';
import { stageLog } from '../../pipeline/stage-records.js';
import { answerSplit } from '../../pipeline/stages.js';
import { readSocietyFile } from '../../society/society-file.js';
import type { DebateTranscript } from '../../spec/debate.js';
import { configFromFlags, type DebateFlags } from '../debate-flags.js';
import { reusedRepliesLine, withRunContext } from '../open-run-context.js';
import { addStageOptions, selectStage, type StageFlags } from '../stage-selection.js';

type DebateCommandFlags = DebateFlags & StageFlags & { society?: string; reuse?: string };

/**
 * `maft debate`: one debate stage of a run, the same stage `maft run` runs, in the same run directory layout:
 * the held-out split (`--split eval`, default) at iteration 0 is the base society's `base/eval`, at k ≥ 1 the
 * method's iteration-k models; the finetune split at iteration k is the debate whose records make iteration
 * k's data. The first command on a directory creates the run from the config (file, flags, or the embedded
 * default); later ones use its stored config. Resumable; ends with the stage's evaluation table.
 */
export async function runDebateCommand(flags: DebateCommandFlags): Promise<void> {
  const split = flags.split ?? 'eval';
  if (split !== 'eval' && split !== 'finetune')
    throw new MaftError('CONFIG_INVALID', `expected finetune or eval, got "${split}"`, { field: '--split' });
  const {
    config: configFile,
    run: directory,
    split: _split,
    method: _method,
    iteration: _iteration,
    society: societyFile,
    reuse,
    ...settings
  } = flags;
  const overrides = configFromFlags(settings);
  if (societyFile !== undefined) {
    if (flags.iteration !== undefined && flags.iteration !== '0')
      throw new MaftError('CONFIG_INVALID', 'a society file gives the models of iteration 0 (the society debated)', {
        field: '--iteration',
      });
    const models = readSocietyFile(societyFile);
    const society = (overrides['society'] ?? {}) as Record<string, unknown>;
    overrides['society'] = { ...society, agents: models.length, models };
    // A given society is evaluated, never finetuned: its run holds the methods that train nothing.
    overrides['methods'] ??= ['base', 'majority', 'debate'];
  }
  await withRunContext(
    {
      directory,
      ...(configFile !== undefined ? { configFile } : {}),
      overrides,
      ...(reuse !== undefined ? { reuse } : {}),
      check: (config) => void selectStage(flags, config, split === 'eval' ? 0 : 1, split === 'eval' ? 0 : 1),
    },
    async (context) => {
      const { method, iteration } = selectStage(
        flags,
        context.config,
        split === 'eval' ? 0 : 1,
        split === 'eval' ? 0 : 1,
      );
      const stage = await answerSplit(context, split, method, iteration);
      const records = stageLog<{ problemId: string }>(context, stage, split).records();
      if (method === 'star' && split === 'finetune') {
        process.stdout.write(`${directory}: ${stage}: ${records.length} STaR attempts\n`);
        return;
      }
      const { society } = context.config;
      process.stdout.write(
        formatMetrics(
          evaluateDebates(records as DebateTranscript[]),
          `${directory}: ${stage} (${context.config.task.name} ${split}, ${society.agents} agents × ${society.rounds} rounds)`,
        ),
      );
      if (reuse !== undefined) process.stdout.write(reusedRepliesLine(context, reuse));
    },
  );
}

export function registerDebateCommand(program: Command): void {
  const command = program
    .command('debate')
    .description(
      "one debate stage of a run (the base society, or a method's models of an iteration) on a split; resumable",
    )
    .requiredOption('--run <dir>', 'run directory (created, or continued with its own config)')
    .option('--config <file>', "YAML config file, the same as maft run's (flags override it)")
    .option('--split <split>', "eval (held out, default) | finetune (the debate that makes an iteration's data)")
    .option(
      '--society <file>',
      'YAML map agent-<n> → {generator, critic}: the society to debate (served names on openai, GGUF adapters on llama-cpp/llama-server)',
    )
    .option(
      '--reuse <run-dir>',
      'answer base-model requests another run already made from its cache (read only; same model file and backend settings, docs/reuse.md)',
    );
  addStageOptions(
    command,
    'eval: the iteration whose models debate (default 0, the base society); finetune: the iteration the data is for (default 1)',
  )
    .option('--task <name>', 'arithmetic | gsm8k | math | mmlu | jsonl')
    .option('--split-seed <n>', 'split seed (default 0)')
    .option('--finetune-count <n>', 'problems in the finetune split (default 500)')
    .option('--eval-count <n>', 'problems in the eval split (default 500)')
    .option('--iterations <n>', 'finetuning iterations L of the run (default 2)')
    .option('--methods <list>', "the run's methods, comma-separated (see maft run)")
    .option('--agents <n>', 'N agents (default 3)')
    .option('--rounds <n>', 'M rounds (default 2)')
    .option('--max-others <n>', 'K: most other answers a critic sees (default N-1)')
    .option('--summarize', 'critics see a summary of the others (default)')
    .option('--no-summarize', "critics see the others' answers themselves")
    .option('--temperature <t>', 'sampling temperature (default 1)')
    .option('--top-p <p>', 'nucleus mass (default 0.9)')
    .option('--max-tokens <n>', 'tokens per reply (default 1024)')
    .option('--seed <n>', 'run seed: sampling, shuffles, tie-breaks (default 0)')
    .option('--problem-concurrency <n>', 'problems debated at once (default 16)')
    .option('--fallbacks <list>', 'answer extraction fallbacks, comma-separated, or none')
    .option('--prompts <file>', 'YAML/JSON file overriding prompt templates')
    .option(
      '--backend <kind>',
      "llama-cpp (embedded, default) | llama-server (maft starts llama.cpp's server) | openai (any OpenAI-compatible server)",
    )
    .option('--model <model>', 'GGUF path or hf: URI (llama-cpp); model name (openai)')
    .option('--base-url <url>', 'openai: server base URL, e.g. http://127.0.0.1:8080/v1')
    .option('--api-key-env <name>', 'openai: environment variable holding the API key (default OPENAI_API_KEY)')
    .option('--concurrency <n>', 'openai: requests in flight (default 8)')
    .option('--timeout-ms <n>', 'openai: per-request timeout (default 120000)')
    .option('--max-retries <n>', 'openai: retries per request (default 5)')
    .option('--threads <n>', 'llama-cpp: CPU threads (default 1; never more than free cores)')
    .option(
      '--context-size <n>',
      "llama-cpp: tokens of context per agent (default: the model's training context, at most 4096)",
    )
    .option(
      '--parallel-sequences <n>',
      'llama-cpp: replies decoded together (default 1 on CPU: bit-exact reproducible)',
    )
    .option('--path <path>', 'task data file or directory')
    .option('--levels <list>', 'math: levels (default 1,2,3) or all')
    .option('--subjects <list>', 'math, mmlu: subjects')
    .option('--question-field <f>', 'jsonl: question field')
    .option('--answer-field <f>', 'jsonl: answer field')
    .option('--id-field <f>', 'jsonl: id field')
    .option('--answer-type <t>', 'jsonl: numeric | math | choice | exact')
    .option('--count <n>', 'arithmetic: problems to generate')
    .option('--min <n>', 'arithmetic: smallest value')
    .option('--max <n>', 'arithmetic: largest value')
    .action(runDebateCommand);
}
