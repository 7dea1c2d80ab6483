import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { defaultPromptTemplates } from '../../debate/prompts.js';
import { convertModelToF32 } from '../../gguf/convert-to-f32.js';
import { createTinyLlamaModel } from '../../gguf/tiny-llama.js';
import { writeGgufFile } from '../../gguf/write-gguf.js';
import { loadSplits } from '../../tasks/load-splits.js';
import { runTrainingJob } from '../../finetune/run-training-job.js';
import { fingerprintFile } from '../../util/file-fingerprint.js';
import { tokenizeRows } from '../../finetune/tokenize-rows.js';
import type { TrainingPlan, TrainingProgress } from '../../trainer/training-plan.js';
import { curriculumExample, type CriticStyle } from './arithmetic-curriculum.js';
import { measureSingleAnswerAccuracy, type SingleAnswerAccuracy } from './single-answer-accuracy.js';

/**
 * The recipe of maft's arithmetic base model (issue "Finetuning", item 3): a small llama-architecture model,
 * its vocabulary made of maft's own prompt words (plus ChatML control tokens and byte fallback), pretrained
 * from scratch with the full-parameter trainer on synthetic debate conversations, and stopped while still
 * weak. Every choice is seeded, so the same options reproduce the same file.
 */
export interface BaseModelOptions {
  outputPath: string;
  /** Synthetic conversations to train on (one epoch). */
  examples: number;
  seed: number;
  threads: number;
  /** Held-out problems the card's accuracy is measured on (the default eval split's first ones). */
  evalProblems: number;
  /** Continue from this model (same vocabulary) instead of random weights: a second stage of the recipe. */
  initPath?: string;
  /** Index of the first curriculum example (a second stage takes examples the first did not see). Default 0. */
  firstExample?: number;
  /** Peak learning rate. Default 1e-3. */
  learningRate?: number;
  /** Largest value of the task the model is made for (the arithmetic task's `max`). Default 9. */
  max?: number;
  /**
   * Tokens per training window, and windows per optimizer step. Default 800 × 2 (the shipped model's recipe: 800 tokens hold the longest conversation a 3 × 2 debate of this task produces).
   * A conversation longer than the window is cut at its head and counted (`truncatedExamples`); a window that
   * holds the longest conversation a debate produces is what teaches critics to finish their answers.
   */
  windowLength?: number;
  windowsPerStep?: number;
  /** How the curriculum's critics weigh the others' answers (arithmetic-curriculum.ts). Default `weighed`. */
  critic?: CriticStyle;
  /** Shares of answers, summaries, updates after a summary and after the answers (sum 1). Default baseModelKindShares. */
  kindShares?: readonly [number, number, number, number];
  /** Curriculum: values up to `easyMax` for the first `easyShare` of the examples, then a linear ramp to `max` by `rampEnd`. */
  curriculum?: { easyMax: number; easyShare: number; rampEnd: number };
  onProgress?: (progress: TrainingProgress) => void;
  log?: (line: string) => void;
}

export interface BaseModelReport {
  outputPath: string;
  bytes: number;
  /**
   * sha256 of the written GGUF's bytes (hex): which file the report describes, so a later stage's
   * `--init-report` can be checked against its `--init` file (earlier-stage-report.ts).
   */
  sha256: string;
  parameters: number;
  examples: number;
  trainTokens: number;
  trainSeconds: number;
  finalLoss: number;
  tokensPerSecond: number;
  windowLength: number;
  windowsPerStep: number;
  /** The longest training conversation, in tokens, and how many conversations the window cut at their head. */
  longestExample: number;
  truncatedExamples: number;
  /** Temperature 1, top-p 0.9 (the paper's sampling). */
  evaluation: SingleAnswerAccuracy;
  /** Greedy decoding. */
  greedy: SingleAnswerAccuracy;
  shape: typeof baseModelShape;
  /** The task's largest value (the arithmetic task's `max`). */
  max: number;
  curriculum: { easyMax: number; easyShare: number; rampEnd: number };
  kindShares: readonly number[];
  /** The critic style of the curriculum (arithmetic-curriculum.ts). */
  critic: CriticStyle;
  learningRate: number;
  seed: number;
  threads: number;
}

/** What the card is rendered from. */
export type BaseModelCardInput = BaseModelReport;

/** Model shape: ~2.2M parameters (8.7 MB in F32). Trained from F16-stored initial weights. */
export const baseModelShape = {
  embeddingLength: 192,
  blockCount: 4,
  headCount: 4,
  feedForwardLength: 512,
  contextLength: 1024,
} as const;

/** The default curriculum: small values first (a one-digit times table is learned in minutes), then all of 0..29. */
export const defaultCurriculum = { easyMax: 9, easyShare: 0.25, rampEnd: 0.6 } as const;

/** Largest operand of the example at `progress` (0..1) through the curriculum. */
export function curriculumMax(
  progress: number,
  curriculum: { easyMax: number; easyShare: number; rampEnd: number },
  max = 29,
): number {
  if (progress < curriculum.easyShare) return curriculum.easyMax;
  if (progress >= curriculum.rampEnd) return max;
  return Math.round(
    curriculum.easyMax +
      ((max - curriculum.easyMax) * (progress - curriculum.easyShare)) / (curriculum.rampEnd - curriculum.easyShare),
  );
}

/** Mostly round-1 answers (the skill that matters most), with enough summaries and updates to debate. */
export const baseModelKindShares = [0.6, 0.08, 0.22, 0.1] as const;

/** Words of the curriculum's own replies (summaries, solutions, a critic's comparison): whole tokens of the vocabulary. */
export const curriculumWords =
  'One agent found and the answer Multiply first, then add subtract from left to right so Another also keep my The other agents not check solution again answers differ mine others';

/** The words a `checks` critic adds (only with that style, so the `weighed` recipe's vocabulary stays as shipped). */
export const checkWords = 'check each with an addition Check it is right below None of them work So';

export async function makeArithmeticBase(options: BaseModelOptions): Promise<BaseModelReport> {
  const log = options.log ?? (() => undefined);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'maft-base-model-'));
  try {
    const templates = defaultPromptTemplates('numeric');
    const words = [
      ...new Set(
        Object.values(templates)
          .join(' ')
          .concat(' ', curriculumWords, (options.critic ?? 'weighed') === 'weighed' ? '' : ` ${checkWords}`)
          .match(/[A-Za-z]+/g) ?? [],
      ),
    ];
    const initial = path.join(scratch, 'initial.gguf');
    const model = createTinyLlamaModel({
      ...baseModelShape,
      weightType: 'F16',
      seed: options.seed,
      vocabularyWords: words,
      spacedDigits: false,
      name: 'maft-arithmetic-base',
    });
    if (options.initPath === undefined) await writeGgufFile(initial, model);
    // A later stage trains the model it continues, whose vocabulary (so embedding size) is the earlier stage's.
    const parameters =
      options.initPath === undefined
        ? model.tensors.reduce((sum, tensor) => sum + tensor.shape.reduce((product, size) => product * size, 1), 0)
        : await countParameters(options.initPath);

    // Never train on a problem of the default splits (seed 0, 500/500): they are the held-out yardstick.
    const taskMax = options.max ?? 9;
    const { finetune, eval: held } = await loadSplits('arithmetic', { max: taskMax }, {});
    const reserved = new Set([...finetune, ...held].map((problem) => problem.question));
    const rows = [];
    const curriculum = options.curriculum ?? defaultCurriculum;
    for (let index = options.firstExample ?? 0; rows.length < options.examples; index++) {
      const max =
        options.initPath === undefined ? curriculumMax(rows.length / options.examples, curriculum, taskMax) : taskMax;
      const example = curriculumExample(index, {
        seed: options.seed,
        min: 0,
        max,
        kindShares: options.kindShares ?? baseModelKindShares,
        critic: options.critic ?? 'weighed',
      });
      if (reserved.has(example.question)) continue;
      rows.push(example);
    }
    log(`tokenizing ${rows.length} conversations`);
    const examples = await tokenizeRows(options.initPath ?? initial, rows);
    const trainTokens = examples.reduce((sum, example) => sum + example.tokens.length, 0);
    const windowLength = options.windowLength ?? 800;
    const plan: TrainingPlan = {
      modelPath: options.initPath ?? initial,
      outputPath: path.join(scratch, 'trained.gguf'),
      mode: 'full',
      examples,
      windowLength,
      windowsPerStep: options.windowsPerStep ?? 2,
      epochs: 1,
      // Easy to hard, in order: the curriculum is the schedule.
      shuffle: false,
      // Every step at the full window, as the shipped file was trained: a step computed at its used length rounds
      // differently (6th–7th digit), and the card's commands must write that file again. Its windows are full anyway.
      trimPadding: false,
      learningRate: options.learningRate ?? 1e-3,
      warmupSteps: 50,
      decay: 'cosine',
      minimumLearningRateRatio: 0.05,
      maxGradientNorm: 1,
      weightDecay: 0.01,
      // β2 = 0.95 and a peak of 1e-3: on 5000 one-digit rows this reached loss 0.23 where β2 = 0.999 and 3e-3 reached 0.47.
      beta2: 0.95,
      seed: options.seed,
      threads: options.threads,
      outputName: 'maft-arithmetic-base',
    };
    const planFile = path.join(scratch, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    mkdirSync(path.dirname(options.outputPath), { recursive: true });
    const longest = examples.reduce((most, example) => Math.max(most, example.tokens.length), 0);
    const over = examples.filter((example) => example.tokens.length > windowLength).length;
    log(
      `training ${parameters} parameters on ${trainTokens} tokens; the longest conversation is ${longest} tokens, ${over} of ${examples.length} exceed the ${windowLength}-token window`,
    );
    const result = await runTrainingJob(planFile, plan, options.onProgress ? { onProgress: options.onProgress } : {});
    // Shipped in F32 (exact from F16, 4 bytes a weight, still < 10 MB): llama.cpp and the trainer then agree to ~1e-6.
    await convertModelToF32(plan.outputPath, options.outputPath);
    log(`evaluating on ${options.evalProblems} held-out problems`);
    const evaluation = await measureBaseModel(
      options.outputPath,
      taskMax,
      options.evalProblems,
      options.threads,
      options.seed,
    );
    return {
      outputPath: options.outputPath,
      bytes: statSync(options.outputPath).size,
      sha256: (await fingerprintFile(options.outputPath)).sha256,
      parameters,
      examples: rows.length,
      trainTokens,
      trainSeconds: result.elapsedMs / 1000,
      finalLoss: result.finalLoss,
      tokensPerSecond: result.tokensPerSecond,
      windowLength,
      windowsPerStep: plan.windowsPerStep ?? 1,
      longestExample: examples.reduce((longest, example) => Math.max(longest, example.tokens.length), 0),
      truncatedExamples: result.truncatedExamples ?? 0,
      ...evaluation,
      shape: baseModelShape,
      max: taskMax,
      curriculum,
      kindShares: [...(options.kindShares ?? baseModelKindShares)],
      critic: options.critic ?? 'weighed',
      learningRate: plan.learningRate ?? 1e-3,
      seed: options.seed,
      threads: options.threads,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Weights in a GGUF model (every tensor's element count). */
async function countParameters(modelPath: string): Promise<number> {
  const info = await readGgufFileInfo(modelPath, { logWarnings: false });
  return (info.tensorInfo ?? []).reduce(
    (sum, tensor) => sum + tensor.dimensions.reduce((product: number, size) => product * Number(size), 1),
    0,
  );
}

/**
 * The card's accuracy: the first `problems` of the arithmetic eval split with values 0..max (seed 0, 500/500), one answer
 * each with maft's round-1 prompt, at the paper's sampling and greedily. Deterministic per seed.
 */
export async function measureBaseModel(
  modelPath: string,
  max: number,
  problems: number,
  threads: number,
  seed: number,
): Promise<{ evaluation: SingleAnswerAccuracy; greedy: SingleAnswerAccuracy }> {
  const { eval: held } = await loadSplits('arithmetic', { max }, {});
  const chosen = held.slice(0, problems);
  const evaluation = await measureSingleAnswerAccuracy(modelPath, chosen, {
    threads,
    temperature: 1,
    topP: 0.9,
    maxTokens: 256,
    seed,
  });
  const greedy = await measureSingleAnswerAccuracy(modelPath, chosen, {
    threads,
    temperature: 0,
    topP: 1,
    maxTokens: 256,
    seed,
  });
  return { evaluation, greedy };
}
