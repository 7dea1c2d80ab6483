/**
 * A forward-only graph (no gradients): logits for B windows of T tokens, built once and evaluated any number
 * of times. Used to check parity with llama.cpp's inference and to evaluate a model while it trains.
 */
import { MaftError } from '../../errors/maft-error.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { createMetadataContext, readFloats } from '../ggml/tensors.js';
import type { WindowArrays } from '../data/pack-windows.js';
import type { ModelHyperparameters } from '../model/hyperparameters.js';
import type { ModelWeights } from '../model/model-weights.js';
import type { LoraSet } from '../lora/lora-weights.js';
import { buildForward, type ForwardShape } from './forward.js';
import { createGraphInputs } from './graph-inputs.js';
import { graphCapacity } from './graph-capacity.js';

export interface LogitsGraph {
  readonly shape: ForwardShape;
  /** Logits of every row, row-major: row n (window n / T, token n % T) at [n·V, (n+1)·V). */
  compute(windows: readonly WindowArrays[]): Float32Array;
  dispose(): void;
}

export function createLogitsGraph(
  cpu: CpuBackend,
  hyperparameters: ModelHyperparameters,
  weights: ModelWeights,
  lora: LoraSet | undefined,
  shape: ForwardShape,
): LogitsGraph {
  const { api } = cpu;
  const capacity = graphCapacity(hyperparameters.blockCount, false);
  const inputs = createGraphInputs(cpu, shape, hyperparameters.vocabularySize, false);
  const context = createMetadataContext(api, capacity.tensors, capacity.nodes);
  const { logits } = buildForward(api, context, hyperparameters, weights, lora, inputs, shape);
  api.ggml_set_output(logits);
  const graph = api.ggml_new_graph_custom(context, capacity.nodes, false);
  api.ggml_build_forward_expand(graph, logits);
  const allocator = api.ggml_gallocr_new(cpu.bufferType);
  if (!api.ggml_gallocr_alloc_graph(allocator, graph)) {
    api.ggml_gallocr_free(allocator);
    api.ggml_free(context);
    inputs.dispose();
    throw new MaftError('INTERNAL', 'could not allocate the forward graph');
  }
  return {
    shape,
    compute(windows: readonly WindowArrays[]): Float32Array {
      inputs.upload(windows);
      const status = api.ggml_backend_graph_compute(cpu.backend, graph);
      if (status !== 0) throw new MaftError('INTERNAL', `ggml graph compute failed with status ${status}`);
      return readFloats(api, logits);
    },
    dispose(): void {
      api.ggml_gallocr_free(allocator);
      api.ggml_free(context);
      inputs.dispose();
    },
  };
}
