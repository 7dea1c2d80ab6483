import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { debateConfigSchema, type DebateConfig } from '../../config/debate-config.js';
import { readConfigFile, validateConfig } from '../../config/validate-config.js';
import { cachedModel } from '../../debate/cached-model.js';
import type { DebateAgent, DebateSettings } from '../../debate/debate-problem.js';
import { loadPromptTemplates } from '../../debate/load-prompt-templates.js';
import { runDebates } from '../../debate/run-debates.js';
import { MaftError } from '../../errors/maft-error.js';
import { evaluateDebates } from '../../evaluate/metrics.js';
import { formatMetrics } from '../../evaluate/format-metrics.js';
import type { AnswerFallback } from '../../grading/extract-answer.js';
import { openRun } from '../../run-store/open-run.js';
import type { ChatModel, ChatResponse } from '../../spec/chat-model.js';
import type { DebateTranscript } from '../../spec/debate.js';
import { checkBackend, createBaseSociety } from '../../society/open-society.js';
import { loadSplits } from '../../tasks/load-splits.js';
import { readRegistry } from '../../finetune/finetune-society.js';
import { registryArtifact, societyAdapters } from '../../finetune/model-registry.js';
import { debateStage } from '../debate-stage.js';
import { configFromFlags, inferBackendKind, mergeConfig, type DebateFlags } from '../debate-flags.js';
import { createProgressReporter } from '../progress.js';

/** Validate the config (file, then flags over it) and its cross-field rules, all problems at once. */
export function resolveDebateConfig(flags: DebateFlags): DebateConfig {
  const fromFile = flags.config === undefined ? {} : readConfigFile(flags.config);
  let raw = inferBackendKind(mergeConfig(fromFile, configFromFlags(flags)));
  if (flags.adaptersFrom !== undefined) raw = mergeConfig(raw, { society: { adapters: adaptersFromRun(flags.adaptersFrom, flags.adaptersIteration, raw) } });
  const config = validateConfig(debateConfigSchema, raw, flags.config === undefined ? 'flags' : `config ${flags.config}`);
  const { agents, maxOthers, adapters } = config.society;
  const problems: string[] = [];
  if (maxOthers !== undefined && agents > 1 && maxOthers > agents - 1) problems.push(`society.maxOthers: ${maxOthers} is more than the ${agents - 1} other agents`);
  if (adapters !== undefined && adapters.length !== agents) problems.push(`society.adapters: ${adapters.length} entries for ${agents} agents`);
  if (adapters !== undefined && config.backend.kind !== 'llama-cpp') problems.push('society.adapters: only the embedded (llama-cpp) backend applies adapters');
  if (problems.length > 0) throw new MaftError('CONFIG_INVALID', `invalid config: ${problems.join('; ')}`);
  return { ...config, society: { ...config.society, maxOthers: maxOthers ?? Math.max(1, agents - 1) } };
}

/**
 * The finetuned society of another run: each agent's latest succeeded generator and critic adapters up to the
 * iteration (its model registry), as absolute paths so the new run's config names exactly what it used.
 */
function adaptersFromRun(directory: string, iterationText: string | undefined, raw: Record<string, unknown>): { generator?: string; critic?: string }[] {
  const file = path.join(directory, 'artifacts', registryArtifact);
  if (!existsSync(file)) throw new MaftError('FILE_NOT_FOUND', 'no model registry (run maft finetune first)', { file });
  const iteration = Number(iterationText ?? '1');
  if (!Number.isInteger(iteration) || iteration < 1) throw new MaftError('CONFIG_INVALID', `expected a positive integer, got "${iterationText}"`, { field: '--adapters-iteration' });
  const agents = Number((raw['society'] as { agents?: unknown } | undefined)?.agents ?? 3);
  const absolute = (name?: string) => (name === undefined ? undefined : path.resolve(directory, 'artifacts', name));
  return societyAdapters(readRegistry(file), iteration, agents).map((own) => ({
    ...(own.generator ? { generator: absolute(own.generator) } : {}),
    ...(own.critic ? { critic: absolute(own.critic) } : {}),
  }));
}

/**
 * `maft debate`: a society of N agents debates M rounds on a split of a task, every transcript appended to the
 * run directory as it finishes; the same command resumes a killed run. Ends with the evaluation table.
 */
export async function runDebateCommand(flags: DebateFlags): Promise<void> {
  const config = resolveDebateConfig(flags);
  // Everything that can fail on bad input is checked before the run directory is created.
  const { task, finetune, eval: held } = await loadSplits(config.task.name, config.task.options, {
    seed: config.split.seed,
    finetuneCount: config.split.finetuneCount,
    evalCount: config.split.evalCount,
  });
  const problems = (config.split.name === 'finetune' ? finetune : held).slice(0, config.split.limit);
  const templates = loadPromptTemplates(task.answerType, config.promptsFile);
  await checkBackend(config.backend, config.society.adapters);

  const run = openRun(flags.run, config, { command: process.argv.slice(2) });
  const society = await createBaseSociety(config.backend, config.society.agents, config.problemConcurrency, config.society.adapters).catch((error: unknown) => {
    run.close();
    throw error;
  });
  try {
    const cache = run.requestCache<ChatResponse>();
    const cached = new Map<ChatModel, ChatModel>();
    const viaCache = (model: ChatModel) => cached.get(model) ?? cached.set(model, cachedModel(model, cache)).get(model)!;
    const agents: DebateAgent[] = society.agents.map((agent) => ({ generator: viaCache(agent.generator), critic: viaCache(agent.critic) }));
    const settings: DebateSettings = {
      rounds: config.society.rounds,
      maxOthers: config.society.maxOthers ?? config.society.agents - 1,
      summarize: config.society.summarize,
      summarizer: viaCache(society.summarizer),
      sampling: config.sampling,
      seed: config.seed,
      answerType: task.answerType,
      extraction: config.fallbacks === undefined ? {} : { fallbacks: config.fallbacks as AnswerFallback[] },
      templates,
    };
    const log = run.log<DebateTranscript>(debateStage, { keyOf: (transcript) => transcript.problemId });
    run.markStage(debateStage, 'running', { problems: problems.length });
    const progress = createProgressReporter('debate');
    const transcripts = await runDebates(problems, agents, settings, log, {
      concurrency: config.problemConcurrency,
      onProgress: (state) => progress.update(state),
    });
    progress.finish();
    run.markStage(debateStage, 'done', { problems: transcripts.length });
    process.stdout.write(formatMetrics(evaluateDebates(transcripts), `${flags.run}: ${task.name} ${config.split.name}, ${config.society.agents} agents × ${config.society.rounds} rounds`));
  } finally {
    await society.dispose();
    run.close();
  }
}

export function registerDebateCommand(program: Command): void {
  program
    .command('debate')
    .description('a society of agents debates a split of a task; transcripts go to the run directory (resumable)')
    .requiredOption('--run <dir>', 'run directory (created, or resumed when it exists with the same config)')
    .option('--config <file>', 'YAML config file (flags override it)')
    .option('--task <name>', 'arithmetic | gsm8k | math | mmlu | jsonl')
    .option('--split <split>', 'finetune | eval (default eval)')
    .option('--limit <n>', 'debate only the first n problems of the split')
    .option('--split-seed <n>', 'split seed (default 0)')
    .option('--finetune-count <n>', 'problems in the finetune split (default 500)')
    .option('--eval-count <n>', 'problems in the eval split (default 500)')
    .option('--agents <n>', 'N agents (default 3)')
    .option('--rounds <n>', 'M rounds (default 2)')
    .option('--max-others <n>', 'K: most other answers a critic sees (default N-1)')
    .option('--summarize', 'critics see a summary of the others (default)')
    .option('--no-summarize', 'critics see the others\' answers themselves')
    .option('--temperature <t>', 'sampling temperature (default 1)')
    .option('--top-p <p>', 'nucleus mass (default 0.9)')
    .option('--max-tokens <n>', 'tokens per reply (default 1024)')
    .option('--seed <n>', 'run seed: sampling, shuffles, tie-breaks (default 0)')
    .option('--problem-concurrency <n>', 'problems debated at once (default 4)')
    .option('--fallbacks <list>', 'answer extraction fallbacks, comma-separated, or none')
    .option('--prompts <file>', 'YAML/JSON file overriding prompt templates')
    .option('--backend <kind>', 'llama-cpp (embedded, default) | openai (any OpenAI-compatible server)')
    .option('--model <model>', 'GGUF path or hf: URI (llama-cpp); model name (openai)')
    .option('--base-url <url>', 'openai: server base URL, e.g. http://127.0.0.1:8080/v1')
    .option('--api-key-env <name>', 'openai: environment variable holding the API key (default OPENAI_API_KEY)')
    .option('--concurrency <n>', 'openai: requests in flight (default 8)')
    .option('--timeout-ms <n>', 'openai: per-request timeout (default 120000)')
    .option('--max-retries <n>', 'openai: retries per request (default 5)')
    .option('--threads <n>', 'llama-cpp: CPU threads (default 1; never more than free cores)')
    .option('--context-size <n>', 'llama-cpp: tokens of context per agent (default 2048)')
    .option('--parallel-sequences <n>', 'llama-cpp: replies decoded together (default 1 on CPU: bit-exact reproducible)')
    .option('--adapters-from <run-dir>', 'llama-cpp: the finetuned society of that run (its model registry)')
    .option('--adapters-iteration <k>', 'with --adapters-from: the iteration whose models to use (default 1)')
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
