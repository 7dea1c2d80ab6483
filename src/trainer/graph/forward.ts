/**
 * The forward pass of a llama/qwen2 model as a ggml graph, op for op as llama.cpp builds it for inference
 * (src/models/llama.cpp, qwen2.cpp, src/llama-graph.cpp: build_norm, build_qkv, build_attn_mha, build_ffn,
 * build_lora_mm), except that attention runs without a KV cache: K and V come straight from this batch's
 * projections, so gradients reach attn_k and attn_v (through llama.cpp's cache copy they do not).
 *
 * Layout: B windows of T tokens each, N = T·B tokens flattened (token i of window w at w·T + i). Each window
 * has its own [T, T] attention mask (0 where a query may see a key, -∞ elsewhere), which makes windows
 * independent and lets several examples share one window without seeing each other.
 *
 * The returned trace keeps the intermediate tensors the hand-written backward pass (backward.ts) needs.
 */
import type { GgmlApi } from '../ggml/bindings.js';
import { ggmlType, type ContextHandle, type TensorHandle } from '../ggml/handles.js';
import type { ModelHyperparameters } from '../model/hyperparameters.js';
import type { ModelWeights, WeightTensor } from '../model/model-weights.js';
import type { LoraSet, LoraTarget } from '../lora/lora-weights.js';
import { fitsMatrixKernel } from './matrix-kernel.js';

export interface ForwardInputs {
  /** I32 [N]: token ids. */
  readonly tokens: TensorHandle;
  /** I32 [N]: RoPE position of each token within its example. */
  readonly positions: TensorHandle;
  /** F32 [T, T, 1, B]: additive attention mask per window (key index fastest). */
  readonly attentionMask: TensorHandle;
}

export interface ForwardShape {
  readonly windowLength: number;
  readonly windows: number;
}

/** y = W·x (+ s·B·(A·x)) (+ b), with what its backward pass needs. */
export interface LinearTrace {
  readonly weight: WeightTensor;
  readonly bias?: WeightTensor;
  /** x, [in, N]. */
  readonly input: TensorHandle;
  /** The LoRA branch: its A, B and h = A·x ([rank, N]). */
  readonly lora?: { readonly target: LoraTarget; readonly down: TensorHandle };
}

export interface LayerTrace {
  readonly input: TensorHandle;
  readonly attentionNormed: TensorHandle;
  readonly attentionNormInput: TensorHandle;
  readonly query: LinearTrace;
  readonly key: LinearTrace;
  readonly value: LinearTrace;
  /** Roped queries (contiguous) and keys (a view), [headSize, T, heads, B]; values [headSize, heads, T, B] (KV heads expanded). */
  readonly queries: TensorHandle;
  readonly keys: TensorHandle;
  readonly values: TensorHandle;
  /** The KV heads before expansion, [headSize, 1, kvHeads, N] (shape template for the expansion's backward). */
  readonly kvSpread?: TensorHandle;
  /** Attention weights after the softmax, [T keys, T queries, heads, B]. */
  readonly probabilities: TensorHandle;
  readonly attentionOutput: LinearTrace;
  readonly feedForwardInput: TensorHandle;
  readonly feedForwardNormed: TensorHandle;
  readonly gate: LinearTrace;
  readonly up: LinearTrace;
  readonly gateOutput: TensorHandle;
  readonly upOutput: TensorHandle;
  readonly down: LinearTrace;
}

export interface ForwardTrace {
  readonly layers: readonly LayerTrace[];
  readonly finalInput: TensorHandle;
  readonly finalNormed: TensorHandle;
  readonly output: LinearTrace;
  readonly logits: TensorHandle;
}

/** Build the graph nodes from token ids to logits (F32 [vocabulary, N]). */
export function buildForward(
  api: GgmlApi,
  context: ContextHandle,
  hyperparameters: ModelHyperparameters,
  weights: ModelWeights,
  lora: LoraSet | undefined,
  inputs: ForwardInputs,
  shape: ForwardShape,
): ForwardTrace {
  const h = hyperparameters;
  const { windowLength: T, windows: B } = shape;
  const N = T * B;
  const ctx = context;

  /** As llama.cpp's build_lora_mm: W·x + s·B·(A·x), s = alpha/rank, then the bias. */
  const linear = (weight: WeightTensor, x: TensorHandle, bias?: WeightTensor): [TensorHandle, LinearTrace] => {
    const [inputSize = 0, outputSize = 0] = weight.shape;
    // (W·x)ᵀ = mul_mat(x, W) when only that orientation fits ggml's blocked kernel (a vocabulary of 806 is
    // not a multiple of 4; 256 tokens are), then transposed back: cheaper than a dot product per logit.
    let result =
      !fitsMatrixKernel(inputSize, outputSize) && fitsMatrixKernel(inputSize, N) && weight.type === ggmlType.F32
        ? api.ggml_cont(ctx, api.ggml_transpose(ctx, api.ggml_mul_mat(ctx, x, weight.handle)))
        : api.ggml_mul_mat(ctx, weight.handle, x);
    const target = lora?.targets.get(weight.name);
    let trace: LinearTrace = { weight, input: x, ...(bias === undefined ? {} : { bias }) };
    if (target !== undefined) {
      const down = api.ggml_mul_mat(ctx, target.a, x);
      const delta = api.ggml_mul_mat(ctx, target.b, down);
      result = api.ggml_add(ctx, result, api.ggml_scale(ctx, delta, lora?.scale ?? 1));
      trace = { ...trace, lora: { target, down } };
    }
    return [bias === undefined ? result : api.ggml_add(ctx, result, bias.handle), trace];
  };
  const norm = (x: TensorHandle, weight: WeightTensor): [TensorHandle, TensorHandle] => {
    const normed = api.ggml_rms_norm(ctx, x, h.rmsNormEpsilon);
    return [api.ggml_mul(ctx, normed, weight.handle), normed];
  };
  const rope = (x: TensorHandle): TensorHandle =>
    api.ggml_rope_ext(
      ctx,
      x,
      inputs.positions,
      weights.ropeFrequencies?.handle ?? null,
      h.ropeDimensions,
      h.ropeMode,
      h.contextLength,
      h.ropeFrequencyBase,
      h.ropeFrequencyScale,
      0,
      1,
      32,
      1,
    );
  /**
   * [headSize, kvHeads, N] → [headSize, heads, T, B]. Grouped-query attention: query head j uses KV head
   * j / (heads / kvHeads), as ggml_mul_mat's broadcasting does in llama.cpp. The repeat is explicit because
   * ggml's mul_mat backward cannot broadcast heads when a batch dimension is present.
   */
  const group = h.headCount / h.headCountKv;
  const expandHeads = (x: TensorHandle): { expanded: TensorHandle; spread?: TensorHandle } => {
    if (group === 1) return { expanded: api.ggml_reshape_4d(ctx, x, h.headSize, h.headCount, T, B) };
    const spread = api.ggml_reshape_4d(ctx, x, h.headSize, 1, h.headCountKv, N);
    const repeated = api.ggml_repeat_4d(ctx, spread, h.headSize, group, h.headCountKv, N);
    return { expanded: api.ggml_reshape_4d(ctx, repeated, h.headSize, h.headCount, T, B), spread };
  };

  let x = api.ggml_get_rows(ctx, weights.tokenEmbedding.handle, inputs.tokens);
  const layers: LayerTrace[] = [];
  for (const layer of weights.layers) {
    const input = x;
    const [attentionNormInput, attentionNormed] = norm(x, layer.attentionNorm);
    const [q, query] = linear(layer.query, attentionNormInput, layer.queryBias);
    const [k, key] = linear(layer.key, attentionNormInput, layer.keyBias);
    const [v, value] = linear(layer.value, attentionNormInput, layer.valueBias);
    const roped = rope(api.ggml_reshape_3d(ctx, q, h.headSize, h.headCount, N));
    const ropedKeys = rope(api.ggml_reshape_3d(ctx, k, h.headSize, h.headCountKv, N));

    // [headSize, heads, T, B] → [headSize, T, heads, B]; queries copied contiguous (a cheap row copy), so that
    // the Q·K product takes ggml's matrix kernel rather than one dot product per element.
    const queries = api.ggml_cont(
      ctx,
      api.ggml_permute(ctx, api.ggml_reshape_4d(ctx, roped, h.headSize, h.headCount, T, B), 0, 2, 1, 3),
    );
    const expandedKeys = expandHeads(ropedKeys);
    const keys = api.ggml_permute(ctx, expandedKeys.expanded, 0, 2, 1, 3);
    const { expanded: values } = expandHeads(api.ggml_reshape_3d(ctx, v, h.headSize, h.headCountKv, N));
    // [T, headSize, heads, B], contiguous: V transposed, as llama.cpp's KV cache holds it.
    const valuesTransposed = api.ggml_cont(ctx, api.ggml_permute(ctx, values, 1, 2, 0, 3));
    const scores = api.ggml_mul_mat(ctx, keys, queries); // [T keys, T queries, heads, B]
    const probabilities = api.ggml_soft_max_ext(ctx, scores, inputs.attentionMask, h.attentionScale, 0);
    const mixed = api.ggml_mul_mat(ctx, valuesTransposed, probabilities); // [headSize, T, heads, B]
    const merged = api.ggml_cont_2d(ctx, api.ggml_permute(ctx, mixed, 0, 2, 1, 3), h.embeddingLength, N);

    const [attentionResult, attentionOutput] = linear(layer.attentionOutput, merged, layer.attentionOutputBias);
    const feedForwardInput = api.ggml_add(ctx, attentionResult, input);
    const [feedForwardNormInput, feedForwardNormed] = norm(feedForwardInput, layer.feedForwardNorm);
    const [upOutput, up] = linear(layer.up, feedForwardNormInput, layer.upBias);
    const [gateOutput, gate] = linear(layer.gate, feedForwardNormInput, layer.gateBias);
    const [downOutput, down] = linear(layer.down, api.ggml_swiglu_split(ctx, gateOutput, upOutput), layer.downBias);
    x = api.ggml_add(ctx, downOutput, feedForwardInput);
    layers.push({
      input,
      attentionNormed,
      attentionNormInput,
      query,
      key,
      value,
      queries,
      keys,
      values,
      ...(expandedKeys.spread === undefined ? {} : { kvSpread: expandedKeys.spread }),
      probabilities,
      attentionOutput,
      feedForwardInput,
      feedForwardNormed,
      gate,
      up,
      gateOutput,
      upOutput,
      down,
    });
  }
  const [finalNormInput, finalNormed] = norm(x, weights.outputNorm);
  const [logits, output] = linear(weights.output, finalNormInput, weights.outputBias);
  return { layers, finalInput: x, finalNormed, output, logits };
}
