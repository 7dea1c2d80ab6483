/**
 * A model's hyperparameters, read from GGUF metadata (`<architecture>.*` keys) the way llama.cpp reads them
 * (src/llama-model.cpp, src/models/llama.cpp and qwen2.cpp), for the two architectures the trainer builds:
 * `llama` (RoPE rotating adjacent pairs, optional biases) and `qwen2` (NEOX RoPE rotating the two halves of a
 * head, q/k/v biases). Pure: takes the metadata object node-llama-cpp's `readGgufFileInfo` returns.
 */
import { MaftError } from '../../errors/maft-error.js';
import { ropeMode } from '../ggml/handles.js';

export type TrainableArchitecture = 'llama' | 'qwen2';

export interface ModelHyperparameters {
  readonly architecture: TrainableArchitecture;
  readonly vocabularySize: number;
  readonly embeddingLength: number;
  readonly blockCount: number;
  readonly headCount: number;
  readonly headCountKv: number;
  /** Size of one attention head (embeddingLength / headCount). */
  readonly headSize: number;
  readonly feedForwardLength: number;
  /** Training context of the base model (n_ctx_train); RoPE's n_ctx_orig. */
  readonly contextLength: number;
  readonly rmsNormEpsilon: number;
  readonly ropeDimensions: number;
  readonly ropeFrequencyBase: number;
  /** 1 / linear scaling factor; 1 without scaling. */
  readonly ropeFrequencyScale: number;
  readonly ropeMode: number;
  /** Scale of Q·K before the softmax: `attention.scale` when present, else 1/√headSize. */
  readonly attentionScale: number;
}

type Metadata = Readonly<Record<string, unknown>>;

/** `<architecture>` section of node-llama-cpp's metadata: nested objects keyed by the dotted name parts. */
function read(section: Metadata, dotted: string): unknown {
  let value: unknown = section;
  for (const part of dotted.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Metadata)[part];
  }
  return value;
}

export function readModelHyperparameters(metadata: Metadata, vocabularySize: number): ModelHyperparameters {
  const general = (metadata['general'] ?? {}) as Metadata;
  const architecture = general['architecture'];
  if (architecture !== 'llama' && architecture !== 'qwen2') {
    throw new MaftError(
      'INPUT_INVALID',
      `the embedded trainer supports llama and qwen2 models, not ${String(architecture)}`,
    );
  }
  const section = (metadata[architecture] ?? {}) as Metadata;
  const number = (key: string, fallback?: number): number => {
    const value = read(section, key);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value === undefined && fallback !== undefined) return fallback;
    throw new MaftError('INPUT_INVALID', `GGUF metadata ${architecture}.${key} is missing or not a number`, {
      field: `${architecture}.${key}`,
    });
  };
  const embeddingLength = number('embedding_length');
  const headCount = number('attention.head_count');
  const headCountKv = number('attention.head_count_kv', headCount);
  const headSize = embeddingLength / headCount;
  const keyLength = number('attention.key_length', headSize);
  const valueLength = number('attention.value_length', headSize);
  const ropeDimensions = number('rope.dimension_count', headSize);
  if (
    !Number.isInteger(headSize) ||
    keyLength !== headSize ||
    valueLength !== headSize ||
    ropeDimensions !== headSize
  ) {
    throw new MaftError(
      'INPUT_INVALID',
      `${architecture}: head sizes other than embedding_length / head_count are not supported`,
    );
  }
  if (headCount % headCountKv !== 0) {
    throw new MaftError(
      'INPUT_INVALID',
      `${architecture}: head_count_kv ${headCountKv} does not divide head_count ${headCount}`,
    );
  }
  const scalingType = read(section, 'rope.scaling.type');
  let ropeFrequencyScale = 1;
  if (scalingType === 'linear') ropeFrequencyScale = 1 / number('rope.scaling.factor', 1);
  else if (scalingType !== undefined && scalingType !== 'none') {
    throw new MaftError(
      'INPUT_INVALID',
      `${architecture}: RoPE scaling ${String(scalingType)} is not supported by the trainer`,
    );
  }
  // llama reads attention.scale (f_attention_scale); qwen2 always uses 1/√headSize.
  const attentionScale = architecture === 'llama' ? number('attention.scale', 0) : 0;
  return {
    architecture,
    vocabularySize,
    embeddingLength,
    blockCount: number('block_count'),
    headCount,
    headCountKv,
    headSize,
    feedForwardLength: number('feed_forward_length'),
    contextLength: number('context_length'),
    rmsNormEpsilon: number('attention.layer_norm_rms_epsilon'),
    ropeDimensions,
    ropeFrequencyBase: number('rope.freq_base', 10000),
    ropeFrequencyScale,
    // llama.cpp llama_model_rope_type: LLAMA_ROPE_TYPE_NORM for llama, NEOX for qwen2.
    ropeMode: architecture === 'qwen2' ? ropeMode.neox : ropeMode.normal,
    attentionScale: attentionScale === 0 ? 1 / Math.sqrt(headSize) : attentionScale,
  };
}
