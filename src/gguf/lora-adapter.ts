/**
 * The GGUF description of a LoRA adapter in the form llama.cpp loads (src/llama-adapter.cpp):
 * `general.type = adapter`, `adapter.type = lora`, `adapter.lora.alpha`, `general.architecture` equal to the
 * base model's, and for each adapted weight `<name>.lora_a` and `<name>.lora_b`.
 *
 * For a base weight W of ggml shape [inputSize, outputSize] (y = W·x), `lora_a` has shape [inputSize, rank]
 * and `lora_b` [rank, outputSize]; llama.cpp computes y = W·x + s·(alpha / rank)·B·(A·x), s being the scale
 * given when the adapter is attached (node-llama-cpp: `createContext({lora: {adapters: [{filePath, scale}]}})`).
 * An alpha of 0 means a factor of 1 instead of alpha / rank. (token_embd is the exception with A and B
 * swapped; maft does not adapt it.)
 */
import { MaftError } from '../errors/maft-error.js';
import { gguf, type GgufFileDescription, type GgufTensor, type GgufTensorData } from './gguf-types.js';

export interface LoraWeight {
  /** The adapted base tensor, e.g. `blk.0.attn_q.weight`. */
  readonly target: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly rank: number;
  /** inputSize × rank floats, ggml order (inputSize fastest), or a lazy producer. */
  readonly a: GgufTensorData | (() => GgufTensorData | Promise<GgufTensorData>);
  /** rank × outputSize floats, ggml order (rank fastest), or a lazy producer. */
  readonly b: GgufTensorData | (() => GgufTensorData | Promise<GgufTensorData>);
}

export interface LoraAdapterOptions {
  /** `general.architecture` of the base model (`llama`, `qwen2`…): llama.cpp refuses a mismatch. */
  readonly architecture: string;
  readonly alpha: number;
  readonly name?: string;
  readonly weights: readonly LoraWeight[];
  /** Storage type of A and B. Default F32. */
  readonly type?: 'F32' | 'F16';
}

export function describeLoraAdapter(options: LoraAdapterOptions): GgufFileDescription {
  const type = options.type ?? 'F32';
  const tensors: GgufTensor[] = [];
  for (const weight of options.weights) {
    if (!weight.target.endsWith('.weight') || weight.target.startsWith('token_embd')) {
      throw new MaftError(
        'INPUT_INVALID',
        `LoRA target ${weight.target}: expected a block weight such as blk.0.attn_q.weight`,
      );
    }
    tensors.push(
      { name: `${weight.target}.lora_a`, shape: [weight.inputSize, weight.rank], type, data: weight.a },
      { name: `${weight.target}.lora_b`, shape: [weight.rank, weight.outputSize], type, data: weight.b },
    );
  }
  return {
    metadata: {
      'general.architecture': gguf.string(options.architecture),
      'general.type': gguf.string('adapter'),
      'general.name': gguf.string(options.name ?? 'maft-lora'),
      'general.alignment': gguf.uint32(32),
      'adapter.type': gguf.string('lora'),
      'adapter.lora.alpha': gguf.float32(options.alpha),
    },
    tensors,
  };
}
