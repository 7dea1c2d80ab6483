import { describeLoraAdapter } from '../../src/gguf/lora-adapter.js';
import { randomFloats } from '../../src/gguf/tiny-llama.js';

/**
 * A rank-4 LoRA adapter on attn_output and ffn_down of both blocks of the default tiny llama model (n_embd 64,
 * n_ff 128), with weights large enough (σ 0.5) to move its near-uniform next-token distribution.
 */
export function tinyAdapter(): ReturnType<typeof describeLoraAdapter> {
  const rank = 4;
  const weights = [0, 1].flatMap((block) =>
    ['attn_output', 'ffn_down'].map((name) => {
      const inputSize = name === 'ffn_down' ? 128 : 64;
      return {
        target: `blk.${block}.${name}.weight`,
        inputSize,
        outputSize: 64,
        rank,
        a: randomFloats(block * 10 + inputSize, inputSize * rank, 0.5),
        b: randomFloats(block * 10 + 1, rank * 64, 0.5),
      };
    }),
  );
  return describeLoraAdapter({ architecture: 'llama', alpha: rank, weights });
}
