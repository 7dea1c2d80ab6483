/**
 * Reference logits from llama.cpp's own inference through node-llama-cpp, for parity tests. The KV cache is
 * F32 and flash attention off: llama.cpp's default F16 cache rounds K and V (~1e-3 relative), which would
 * hide real mismatches below that level. `controlledEvaluate` with `logits: true` returns every raw logit of
 * every position (no sampling options: they switch on top-k truncation).
 */
import {
  getLlama,
  LlamaLogLevel,
  type ControlledEvaluateInputItem,
  type Llama,
  type LlamaContextOptions,
  type Token,
} from 'node-llama-cpp';

let shared: Promise<Llama> | undefined;

export function referenceLlama(): Promise<Llama> {
  shared ??= getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  return shared;
}

/** Logits [tokens.length × vocabularySize], row-major, of llama.cpp evaluating `tokens` from position 0. */
export async function llamaCppLogits(
  modelPath: string,
  tokens: readonly number[],
  vocabularySize: number,
  adapterPath?: string,
): Promise<Float32Array> {
  const llama = await referenceLlama();
  const model = await llama.loadModel({ modelPath });
  try {
    const options = {
      contextSize: Math.max(256, Math.ceil(tokens.length / 256) * 256),
      threads: 1,
      flashAttention: false,
      experimentalKvCacheKeyType: 'F32',
      experimentalKvCacheValueType: 'F32',
      ...(adapterPath === undefined ? {} : { lora: { adapters: [{ filePath: adapterPath, scale: 1 }] } }),
    } satisfies LlamaContextOptions;
    const context = await model.createContext(options);
    try {
      const evaluated = await context
        .getSequence()
        .controlledEvaluate(
          tokens.map((token): ControlledEvaluateInputItem => [token as Token, { generateNext: { logits: true } }]),
        );
      const logits = new Float32Array(tokens.length * vocabularySize);
      evaluated.forEach((item, row) => {
        for (const [token, value] of item?.next.logits ?? []) logits[row * vocabularySize + token] = value;
      });
      return logits;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

/** max |a − b| / max |b|: relative error at the scale of the reference logits. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let scale = 0;
  for (let index = 0; index < expected.length; index++) {
    difference = Math.max(difference, Math.abs((actual[index] as number) - (expected[index] as number)));
    scale = Math.max(scale, Math.abs(expected[index] as number));
  }
  return difference / scale;
}
