/**
 * maft's library API: the stages of multiagent finetuning as functions, for programs that drive the method
 * themselves. The `maft` CLI is built on exactly these.
 */
export { MaftError, isMaftError, errorCodes, type ErrorCode } from './errors/maft-error.js';
export type { Problem, AnswerType, SplitName } from './spec/problem.js';
export type {
  ChatModel,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  SamplingOptions,
  FinishReason,
  ReplyDistributions,
  ReplyScorer,
  Embedder,
} from './spec/chat-model.js';
export type { DebateTranscript, AgentTranscript, AgentTurn, ModelCall } from './spec/debate.js';
export type { Vote, VoteClass } from './spec/vote.js';

// Problems
export { loadTask, taskNames } from './tasks/registry.js';
export { loadSplits, loadSplit } from './tasks/load-splits.js';
export { splitProblems } from './tasks/split.js';

// Answers
export {
  extractAnswer,
  explainExtraction,
  extractLastBoxed,
  type AnswerFallback,
  type ExtractionOptions,
} from './grading/index.js';
export {
  isEquivalent,
  explainEquivalence,
  isMathEquivalent,
  explainMathEquivalence,
  isNumericEquivalent,
  gradeResponse,
  explainResponse,
} from './grading/index.js';
export { gradingModes, type GradingMode, type Verdict, type ExplainedGrade } from './grading/index.js';
export { majorityVote } from './vote/majority-vote.js';

// Engines
export { createLlamaCppEngine, defaultDecodeContexts, type LlamaCppEngine } from './backends/llama-cpp/index.js';
export { createOpenAiCompatibleModel, type OpenAiCompatibleOptions } from './backends/openai-compatible/index.js';

// Debate and evaluation
export { debateProblem, type DebateAgent, type DebateSettings } from './debate/debate-problem.js';
export { runDebates } from './debate/run-debates.js';
export { defaultPromptTemplates, type PromptTemplates } from './debate/prompts.js';
export { evaluateDebates, type DebateMetrics } from './evaluate/metrics.js';
export { countAnswerChanges, type AnswerChanges, type AnswerChangeCase } from './evaluate/answer-changes.js';
export { countFirstRoundAgreement, type FirstRoundAgreement } from './evaluate/first-round-agreement.js';
export { pairedDifference, type PairedDifference } from './evaluate/paired-difference.js';
export { measureDebate, type DiversityModels, type DiversityRecord } from './diversity/measure-debate.js';
export { summarizeDiversity } from './diversity/summarize.js';
export { createOpenAiEmbedder } from './backends/openai-compatible/index.js';
export { openRun } from './run-store/open-run.js';
export { readRun } from './run-store/read-run.js';

// Finetuning
export { buildSocietyDatasets, type SocietyDatasets } from './finetune-data/society-datasets.js';
export type { TrainingRow } from './finetune-data/training-row.js';
export { countFirstRoundRight, countRightRows, groundTruthsOf } from './finetune-data/label-accuracy.js';
export { exportOpenAiChatJsonl } from './finetune-data/export/openai-chat.js';
export { exportTrlPromptCompletionJsonl } from './finetune-data/export/trl-prompt-completion.js';
export { exportShareGptJson } from './finetune-data/export/sharegpt.js';
export { tokenizeRows } from './finetune/tokenize-rows.js';
export { runTrainingJob } from './finetune/run-training-job.js';
export { defaultParallelJobs } from './finetune/parallel-jobs.js';
export { train } from './trainer/train.js';
export type { TrainingPlan, TrainingProgress, TrainingResult } from './trainer/training-plan.js';

// Models
export { writeGgufFile } from './gguf/write-gguf.js';
export { createTinyLlamaModel } from './gguf/tiny-llama.js';

// The whole loop (what `maft run` does; see src/cli/commands/run.ts for the sequence)
export { runConfigSchema, type RunConfig, type RunConfigInput } from './config/run-config.js';
export {
  resolveRunConfig,
  embeddedDefaultConfig,
  shippedBaseModel,
  type ResolvedRun,
} from './config/resolve-run-config.js';
export { runPipeline } from './pipeline/run.js';
export { cancelRun, type CancelRunOptions, type CancelRunResult } from './pipeline/cancel-run.js';
export type { CancelAction, CancelledJob } from './finetune/cancel-jobs.js';
export { runModelSource, type RunContext } from './pipeline/run-context.js';
export { createModelSource, type ModelSource } from './society/open-society.js';
export { baseSociety, methodSociety, type AgentModels, type SocietyPlan } from './society/society-plan.js';
export { readSocietyFile } from './society/society-file.js';
export { backendServes, type ServableModel } from './config/backend-serves.js';
export { ManagedLlamaServer, llamaServerArgs } from './backends/llama-server/index.js';
export type { RunResults, DiversityScore } from './spec/run-results.js';
export { renderReports } from './report/write-report.js';

// GPUs: adapters both ways (PEFT ↔ GGUF), the `hf` trainer's launcher, vLLM adapter registration
export { convertPeftToGguf, exportGgufToPeft, type ConversionSummary } from './adapters/convert-adapter.js';
export { adapterInFormat, detectAdapterFormat, type AdapterFormat } from './adapters/adapter-in-format.js';
export {
  launchHfJob,
  launchHfJobs,
  prepareHfCommand,
  validateHfData,
  type HfJobRequest,
} from './trainers/hf/launch-hf-job.js';
export { resolveHfTrainOptions, type HfTrainOptions } from './trainers/hf/hf-train-options.js';
export { checkHfPython, hfTrainScript } from './trainers/hf/preflight.js';
export { gpuSlots, runOnGpuSlots, type GpuSlot } from './trainers/hf/gpu-slots.js';
export { registerSocietyAdapters, type VllmServer, type RegisterReport } from './vllm/vllm-lora-client.js';
export { vllmServeLine, type SocietyAdapter, type VllmLoraLimits } from './vllm/society-adapters.js';
// Serving (what `maft serve` does): the societies behind OpenAI's chat-completions API, as a node:http handler
export {
  createSocietyServer,
  type SocietyServer,
  type SocietyServerOptions,
  type SocietyServerStats,
} from './serve/society-server.js';
export type { DebateExtension } from './serve/debate-answer.js';
export type { RequestLogEntry } from './serve/request-log.js';
