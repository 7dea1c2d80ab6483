/**
 * Packing tokenized examples into fixed-length windows (pure). Each window holds whole examples side by side;
 * every example starts at RoPE position 0 and attends only to itself (a block-diagonal causal mask), so a
 * packed example is computed exactly as if it were alone — as it will be at inference. Only completion
 * tokens are learned: the row predicting token i carries a target only when `completion[i]` is set.
 */
import { MaftError } from '../../errors/maft-error.js';

export interface TokenizedExample {
  readonly tokens: readonly number[];
  /**
   * Per token: whether predicting it counts in the loss (true for assistant/completion tokens, false for the
   * prompt). Same length as tokens. The first token is never predicted.
   */
  readonly completion: readonly boolean[];
}

/** One window: examples (or a prefix of one too long to fit) laid end to end; the rest is padding. */
export interface PackedWindow {
  readonly segments: readonly TokenizedExample[];
}

export interface PackingResult {
  readonly windows: readonly PackedWindow[];
  /** Examples cut to the window length at their head (leading prompt tokens dropped; the completion and its end-of-turn token kept). */
  readonly truncatedExamples: number;
  /** Examples left out: their completion alone does not fit the window (or they have no completion token). */
  readonly droppedExamples: number;
}

/**
 * First-fit packing in the given order (shuffle beforehand for a random order): each example goes into the
 * first open window with room for it. An example longer than the window loses its first tokens (the oldest
 * context): what the loss is on — the reply, its final answer and its end-of-turn token — is never cut. An
 * example whose completion, with at least one token of context, does not fit is dropped rather than taught
 * half a reply. Both are counted (the job's record, `maft status`, the report, a warning).
 */
export function packExamples(examples: readonly TokenizedExample[], windowLength: number): PackingResult {
  if (!(Number.isInteger(windowLength) && windowLength >= 2)) {
    throw new MaftError('CONFIG_INVALID', `window length must be an integer ≥ 2, got ${windowLength}`);
  }
  const windows: { segments: TokenizedExample[]; used: number }[] = [];
  let truncatedExamples = 0;
  let droppedExamples = 0;
  for (const example of examples) {
    if (example.tokens.length !== example.completion.length) {
      throw new MaftError(
        'INPUT_INVALID',
        `example with ${example.tokens.length} tokens has ${example.completion.length} completion flags`,
      );
    }
    let fitted = example;
    if (example.tokens.length > windowLength) {
      const start = example.tokens.length - windowLength;
      fitted = { tokens: example.tokens.slice(start), completion: example.completion.slice(start) };
      if (fitted.completion[0] === true) {
        droppedExamples++; // the window would start inside the reply: it does not fit
        continue;
      }
      truncatedExamples++;
    }
    if (!fitted.completion.some((flag, index) => flag && index > 0)) {
      droppedExamples++;
      continue;
    }
    const length = fitted.tokens.length;
    const open = windows.find((window) => window.used + length <= windowLength);
    if (open === undefined) windows.push({ segments: [fitted], used: length });
    else {
      open.segments.push(fitted);
      open.used += length;
    }
  }
  return { windows: windows.map(({ segments }) => ({ segments })), truncatedExamples, droppedExamples };
}

/** The per-token arrays of one window, ready to be copied into the graph's input tensors. */
export interface WindowArrays {
  readonly tokens: Int32Array;
  readonly positions: Int32Array;
  /** The token row t must predict, or -1 where row t has no loss (prompt, end of example, padding). */
  readonly targets: Int32Array;
  /** [T, T] row-major by query (key index fastest): 0 where query t may attend key s, -Infinity elsewhere. */
  readonly attentionMask: Float32Array;
}

/**
 * Lay out a window. Padding tokens use token id `paddingToken` (any valid id), position 0, no loss, and attend
 * only to themselves, so no softmax row is empty (an all -∞ row would be NaN).
 */
export function layoutWindow(window: PackedWindow, windowLength: number, paddingToken = 0): WindowArrays {
  const T = windowLength;
  const tokens = new Int32Array(T).fill(paddingToken);
  const positions = new Int32Array(T);
  const targets = new Int32Array(T).fill(-1);
  const attentionMask = new Float32Array(T * T).fill(Number.NEGATIVE_INFINITY);
  let start = 0;
  for (const segment of window.segments) {
    const length = segment.tokens.length;
    for (let index = 0; index < length; index++) {
      const row = start + index;
      tokens[row] = segment.tokens[index] as number;
      positions[row] = index;
      if (index + 1 < length && segment.completion[index + 1] === true)
        targets[row] = segment.tokens[index + 1] as number;
      attentionMask.fill(0, row * T + start, row * T + row + 1);
    }
    start += length;
  }
  for (let row = start; row < T; row++) attentionMask[row * T + row] = 0;
  return { tokens, positions, targets, attentionMask };
}
