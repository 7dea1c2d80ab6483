/**
 * The weights of a llama/qwen2 model as ggml tensors, named and shaped as in the GGUF file (ggml order:
 * shape[0] is a weight matrix's input size). Optional tensors are those llama.cpp loads with
 * TENSOR_NOT_REQUIRED (biases; `output.weight`, absent when the output head is tied to the embeddings).
 */
import { MaftError } from '../../errors/maft-error.js';
import type { TensorHandle } from '../ggml/handles.js';

export interface WeightTensor {
  readonly name: string;
  readonly handle: TensorHandle;
  /** ggml order, 1 to 4 sizes. */
  readonly shape: readonly number[];
  /** ggml_type id (0 F32, 1 F16, quantized types above). */
  readonly type: number;
}

export interface LayerWeights {
  readonly attentionNorm: WeightTensor;
  readonly query: WeightTensor;
  readonly key: WeightTensor;
  readonly value: WeightTensor;
  readonly attentionOutput: WeightTensor;
  readonly feedForwardNorm: WeightTensor;
  readonly gate: WeightTensor;
  readonly up: WeightTensor;
  readonly down: WeightTensor;
  readonly queryBias?: WeightTensor;
  readonly keyBias?: WeightTensor;
  readonly valueBias?: WeightTensor;
  readonly attentionOutputBias?: WeightTensor;
  readonly gateBias?: WeightTensor;
  readonly upBias?: WeightTensor;
  readonly downBias?: WeightTensor;
}

export interface ModelWeights {
  readonly tokenEmbedding: WeightTensor;
  readonly outputNorm: WeightTensor;
  /** The output head; the token embedding itself when the model ties them. */
  readonly output: WeightTensor;
  readonly outputBias?: WeightTensor;
  /** llama3-style RoPE frequency factors (`rope_freqs.weight`), frozen. */
  readonly ropeFrequencies?: WeightTensor;
  readonly layers: readonly LayerWeights[];
  /** Every tensor by GGUF name, in file order. */
  readonly all: ReadonlyMap<string, WeightTensor>;
}

/** The short names of the block matrices LoRA can adapt, as in llama.cpp's tensor names (blk.N.<name>.weight). */
export const blockMatrixNames = [
  'attn_q',
  'attn_k',
  'attn_v',
  'attn_output',
  'ffn_gate',
  'ffn_up',
  'ffn_down',
] as const;
export type BlockMatrixName = (typeof blockMatrixNames)[number];

export function blockMatrix(layer: LayerWeights, name: BlockMatrixName): WeightTensor {
  switch (name) {
    case 'attn_q':
      return layer.query;
    case 'attn_k':
      return layer.key;
    case 'attn_v':
      return layer.value;
    case 'attn_output':
      return layer.attentionOutput;
    case 'ffn_gate':
      return layer.gate;
    case 'ffn_up':
      return layer.up;
    case 'ffn_down':
      return layer.down;
  }
}

/** Arrange loaded tensors into the model's structure, checking that the required ones are there. */
export function arrangeModelWeights(all: ReadonlyMap<string, WeightTensor>, blockCount: number): ModelWeights {
  const required = (name: string): WeightTensor => {
    const tensor = all.get(name);
    if (tensor === undefined) throw new MaftError('INPUT_INVALID', `model tensor ${name} is missing`);
    return tensor;
  };
  const layers: LayerWeights[] = [];
  for (let index = 0; index < blockCount; index++) {
    const prefix = `blk.${index}`;
    const bias = (name: string): WeightTensor | undefined => all.get(`${prefix}.${name}.bias`);
    layers.push({
      attentionNorm: required(`${prefix}.attn_norm.weight`),
      query: required(`${prefix}.attn_q.weight`),
      key: required(`${prefix}.attn_k.weight`),
      value: required(`${prefix}.attn_v.weight`),
      attentionOutput: required(`${prefix}.attn_output.weight`),
      feedForwardNorm: required(`${prefix}.ffn_norm.weight`),
      gate: required(`${prefix}.ffn_gate.weight`),
      up: required(`${prefix}.ffn_up.weight`),
      down: required(`${prefix}.ffn_down.weight`),
      ...withDefined({
        queryBias: bias('attn_q'),
        keyBias: bias('attn_k'),
        valueBias: bias('attn_v'),
        attentionOutputBias: bias('attn_output'),
        gateBias: bias('ffn_gate'),
        upBias: bias('ffn_up'),
        downBias: bias('ffn_down'),
      }),
    });
  }
  const tokenEmbedding = required('token_embd.weight');
  return {
    tokenEmbedding,
    outputNorm: required('output_norm.weight'),
    output: all.get('output.weight') ?? tokenEmbedding,
    ...withDefined({ outputBias: all.get('output.bias'), ropeFrequencies: all.get('rope_freqs.weight') }),
    layers,
    all,
  };
}

function withDefined<Value>(record: Record<string, Value | undefined>): Record<string, Value> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Record<string, Value>;
}
