/**
 * What one training run does: the plan a parent process hands to `train` (plain data, JSON-serialisable, so a
 * child process can receive it), each field with its unit and default.
 */
import type { TokenizedExample } from './data/pack-windows.js';
import type { BlockMatrixName } from './model/model-weights.js';

export interface TrainingPlan {
  /** The base model, a llama or qwen2 GGUF (F32/F16; quantized bases only in LoRA mode). */
  readonly modelPath: string;
  /** Where the result goes: a GGUF LoRA adapter (LoRA mode) or a complete GGUF model (full mode). Written atomically. */
  readonly outputPath: string;
  /** `lora` trains adapters on a frozen base; `full` trains every tensor, embeddings included. */
  readonly mode: 'lora' | 'full';
  /** LoRA settings (LoRA mode). rank default 8, alpha default 2·rank, targets default all seven block matrices. */
  readonly lora?: {
    readonly rank?: number;
    readonly alpha?: number;
    readonly targets?: readonly BlockMatrixName[];
    /** Continue from this GGUF adapter (same rank and targets) instead of a fresh initialisation. */
    readonly initialAdapter?: string;
  };
  /** Training examples, tokenized with the base model's tokenizer and chat template. */
  readonly examples: readonly TokenizedExample[];
  /** Tokens per window; examples longer than this are truncated. Default 256. */
  readonly windowLength?: number;
  /**
   * Compute each step at the length its windows use (their longest, rounded up to a multiple of 64), not at
   * windowLength: the padding after a window's last example changes no loss or gradient, only the cost (a
   * critic's ~500-token row in a 1024-token window). Default true; false computes every step at windowLength
   * (bench/trimmed-windows.ts compares the two).
   */
  readonly trimPadding?: boolean;
  /** Windows per optimizer step (the batch size). Default 1. */
  readonly windowsPerStep?: number;
  /** Shuffle the examples every epoch. Default true; false keeps their order (a curriculum, easy to hard). */
  readonly shuffle?: boolean;
  /** Passes over the examples; each pass reshuffles and repacks them. Default 1. */
  readonly epochs?: number;
  /** Peak learning rate. Default 1e-4 in LoRA mode, 1e-5 in full mode. */
  readonly learningRate?: number;
  /** Warmup steps (linear from 0). Default: warmupShare of the steps. */
  readonly warmupSteps?: number;
  /** Warmup as a share of all steps, when warmupSteps is not given. Default 0. */
  readonly warmupShare?: number;
  /** Decay after warmup. Default cosine. */
  readonly decay?: 'constant' | 'linear' | 'cosine';
  /** Final learning rate / peak. Default 0.1. */
  readonly minimumLearningRateRatio?: number;
  /** Clip the global gradient norm to this; 0 disables. Default 1. */
  readonly maxGradientNorm?: number;
  /** AdamW decoupled weight decay (matrices only). Default 0. */
  readonly weightDecay?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Seeds the example order and the LoRA initialisation. Default 1. */
  readonly seed?: number;
  /** ggml CPU threads. Default 1 (set it to the number of free cores: ggml's workers spin). */
  readonly threads?: number;
  /** `general.name` of the result. */
  readonly outputName?: string;
}

export interface TrainingProgress {
  /** 1-based optimizer step. */
  readonly step: number;
  readonly totalSteps: number;
  /** 1-based epoch. */
  readonly epoch: number;
  /** Mean completion-token cross-entropy of this step's batch (before its update). */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradientNorm: number;
  readonly learningRate: number;
  /** Completion tokens that carried a loss in this step. */
  readonly lossTokens: number;
  /** Planned window tokens (windowLength × windows) per second of training so far; trimmed padding is not computed, so this counts it as free. */
  readonly tokensPerSecond: number;
  readonly elapsedMs: number;
}

export interface TrainingResult {
  readonly outputPath: string;
  readonly steps: number;
  /** Mean loss over the last epoch's steps. */
  readonly finalLoss: number;
  readonly tokensPerSecond: number;
  /** Window tokens computed / window tokens planned: below 1 where steps were computed at their used length. */
  readonly computedShare: number;
  readonly elapsedMs: number;
  readonly truncatedExamples: number;
  readonly droppedExamples: number;
}
