/**
 * Tiny llama-architecture models with random weights, made from nothing: maft's engine tests and first
 * training runs use them, since no pretrained weights can be downloaded. The defaults give a ~0.6 MB file
 * that node-llama-cpp loads in well under a second.
 *
 * Tensor names and shapes are llama.cpp's (src/models/llama.cpp, qwen2.cpp), in ggml order: shape[0] is the
 * input dimension (columns) of a weight matrix, shape[1] its output dimension.
 */
import { deriveSeed, createRandom } from '../util/random.js';
import { MaftError } from '../errors/maft-error.js';
import { createBpeVocabulary } from './bpe-vocabulary.js';
import { gguf, type GgufFileDescription, type GgufMetadata, type GgufTensor } from './gguf-types.js';
import { createSpmVocabulary, type TinyVocabulary } from './spm-vocabulary.js';

export interface TinyModelOptions {
  /** `llama` (SentencePiece vocabulary, no biases) or `qwen2` (byte-level BPE, q/k/v biases). Default llama. */
  readonly architecture?: 'llama' | 'qwen2';
  /** `general.name`. Default `maft-tiny-<architecture>`. */
  readonly name?: string;
  /** Hidden size (n_embd). Default 64. */
  readonly embeddingLength?: number;
  /** Number of transformer blocks (n_layer). Default 2. */
  readonly blockCount?: number;
  /** Attention heads (n_head); embeddingLength must be divisible by it. Default 4. */
  readonly headCount?: number;
  /** Key/value heads (n_head_kv, grouped-query attention); must divide headCount. Default headCount. */
  readonly headCountKv?: number;
  /** SwiGLU hidden size (n_ff). Default 128. */
  readonly feedForwardLength?: number;
  /** Training context in tokens (n_ctx_train). Default 512. */
  readonly contextLength?: number;
  /** RoPE base frequency. Default 10000. */
  readonly ropeFreqBase?: number;
  /** RMSNorm epsilon. Default 1e-5. */
  readonly rmsNormEpsilon?: number;
  /** Storage type of the weight matrices; norms and biases are always F32. Default F32 (trainable). */
  readonly weightType?: 'F32' | 'F16';
  /** Omit output.weight: llama.cpp then reuses token_embd.weight as the output head. Default false. */
  readonly tieEmbeddings?: boolean;
  /** Seed of the random weights; each tensor derives its own from it and its name. Default 1. */
  readonly seed?: number;
  /** Standard deviation of the (uniform) random weights. Default 0.02, GPT-2's initialisation. */
  readonly initStandardDeviation?: number;
  /** llama only: whole words that get their own tokens (see createSpmVocabulary). Default maft's tiny list. */
  readonly vocabularyWords?: readonly string[];
  /**
   * llama only: whether digits also get space-prefixed tokens (`▁7`). Default true. Without them a digit is
   * always the same token wherever it stands, which an arithmetic model learns far more easily.
   */
  readonly spacedDigits?: boolean;
}

export type TinyModelHyperparameters = Required<Omit<TinyModelOptions, 'name' | 'vocabularyWords' | 'spacedDigits'>> & {
  readonly name: string;
};

export interface TinyModel extends GgufFileDescription {
  readonly hyperparameters: TinyModelHyperparameters;
  readonly vocabulary: TinyVocabulary;
}

export function resolveTinyModelOptions(options: TinyModelOptions = {}): TinyModelHyperparameters {
  const architecture = options.architecture ?? 'llama';
  const headCount = options.headCount ?? 4;
  const resolved: TinyModelHyperparameters = {
    architecture,
    name: options.name ?? `maft-tiny-${architecture}`,
    embeddingLength: options.embeddingLength ?? 64,
    blockCount: options.blockCount ?? 2,
    headCount,
    headCountKv: options.headCountKv ?? headCount,
    feedForwardLength: options.feedForwardLength ?? 128,
    contextLength: options.contextLength ?? 512,
    ropeFreqBase: options.ropeFreqBase ?? 10000,
    rmsNormEpsilon: options.rmsNormEpsilon ?? 1e-5,
    weightType: options.weightType ?? 'F32',
    tieEmbeddings: options.tieEmbeddings ?? false,
    seed: options.seed ?? 1,
    initStandardDeviation: options.initStandardDeviation ?? 0.02,
  };
  const { embeddingLength, headCountKv } = resolved;
  if (embeddingLength % headCount !== 0 || headCount % headCountKv !== 0 || (embeddingLength / headCount) % 2 !== 0) {
    throw new MaftError(
      'CONFIG_INVALID',
      `tiny model: embeddingLength ${embeddingLength} must split into ${headCount} heads of even size, ` +
        `and headCountKv ${headCountKv} must divide headCount`,
    );
  }
  return resolved;
}

export function createTinyLlamaModel(options: TinyModelOptions = {}): TinyModel {
  const hyperparameters = resolveTinyModelOptions(options);
  const { architecture: arch, embeddingLength: embd, feedForwardLength: ff, weightType } = hyperparameters;
  const vocabulary =
    arch === 'llama'
      ? createSpmVocabulary(
          options.vocabularyWords,
          options.spacedDigits === undefined ? {} : { spacedDigits: options.spacedDigits },
        )
      : createBpeVocabulary();
  const vocabularySize = vocabulary.tokens.length;
  const headSize = embd / hyperparameters.headCount;
  const kvLength = headSize * hyperparameters.headCountKv;

  const metadata: GgufMetadata = {
    'general.architecture': gguf.string(arch),
    'general.type': gguf.string('model'),
    'general.name': gguf.string(hyperparameters.name),
    // llama_ftype: 0 = all F32, 1 = mostly F16.
    'general.file_type': gguf.uint32(weightType === 'F32' ? 0 : 1),
    'general.alignment': gguf.uint32(32),
    [`${arch}.vocab_size`]: gguf.uint32(vocabularySize),
    [`${arch}.context_length`]: gguf.uint32(hyperparameters.contextLength),
    [`${arch}.embedding_length`]: gguf.uint32(embd),
    [`${arch}.block_count`]: gguf.uint32(hyperparameters.blockCount),
    [`${arch}.feed_forward_length`]: gguf.uint32(ff),
    [`${arch}.attention.head_count`]: gguf.uint32(hyperparameters.headCount),
    [`${arch}.attention.head_count_kv`]: gguf.uint32(hyperparameters.headCountKv),
    [`${arch}.rope.dimension_count`]: gguf.uint32(headSize),
    [`${arch}.rope.freq_base`]: gguf.float32(hyperparameters.ropeFreqBase),
    [`${arch}.attention.layer_norm_rms_epsilon`]: gguf.float32(hyperparameters.rmsNormEpsilon),
    ...vocabulary.metadata,
  };

  const { seed, initStandardDeviation } = hyperparameters;
  const weight = (name: string, shape: number[]): GgufTensor => ({
    name,
    shape,
    type: shape.length > 1 ? weightType : 'F32',
    data: () =>
      randomFloats(
        deriveSeed(seed, name),
        shape.reduce((product, size) => product * size, 1),
        initStandardDeviation,
      ),
  });
  const ones = (name: string, length: number): GgufTensor => ({
    name,
    shape: [length],
    type: 'F32',
    data: () => new Float32Array(length).fill(1),
  });

  const tensors: GgufTensor[] = [weight('token_embd.weight', [embd, vocabularySize])];
  for (let block = 0; block < hyperparameters.blockCount; block++) {
    const prefix = `blk.${block}`;
    tensors.push(
      ones(`${prefix}.attn_norm.weight`, embd),
      weight(`${prefix}.attn_q.weight`, [embd, embd]),
      weight(`${prefix}.attn_k.weight`, [embd, kvLength]),
      weight(`${prefix}.attn_v.weight`, [embd, kvLength]),
    );
    if (arch === 'qwen2') {
      tensors.push(
        weight(`${prefix}.attn_q.bias`, [embd]),
        weight(`${prefix}.attn_k.bias`, [kvLength]),
        weight(`${prefix}.attn_v.bias`, [kvLength]),
      );
    }
    tensors.push(
      weight(`${prefix}.attn_output.weight`, [embd, embd]),
      ones(`${prefix}.ffn_norm.weight`, embd),
      weight(`${prefix}.ffn_gate.weight`, [embd, ff]),
      weight(`${prefix}.ffn_up.weight`, [embd, ff]),
      weight(`${prefix}.ffn_down.weight`, [ff, embd]),
    );
  }
  tensors.push(ones('output_norm.weight', embd));
  if (!hyperparameters.tieEmbeddings) tensors.push(weight('output.weight', [embd, vocabularySize]));
  return { metadata, tensors, hyperparameters, vocabulary };
}

/** Uniform random floats with the given standard deviation (uniform on ±√3·σ), from a seeded generator. */
export function randomFloats(seed: number, count: number, standardDeviation: number): Float32Array {
  const random = createRandom(seed);
  const limit = Math.sqrt(3) * standardDeviation;
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) values[index] = (random.next() * 2 - 1) * limit;
  return values;
}
