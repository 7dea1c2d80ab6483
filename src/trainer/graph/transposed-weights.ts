/**
 * Transposed F32 copies of frozen weight matrices, made once (LoRA mode): the hand-written backward pass
 * computes dx = Wᵀ·dy as a matrix product, which needs Wᵀ, and ggml copies a transposed F32 tensor one
 * element at a time (ops.cpp dup_bytes, a memcpy per float) — too slow to redo every step for weights that
 * never change. Costs one F32 copy of the matrices; callers cap it (see transposedWeightBudget).
 */
import { MaftError } from '../../errors/maft-error.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { ggmlType, type TensorHandle } from '../ggml/handles.js';
import { createMetadataContext, newTensor } from '../ggml/tensors.js';
import type { WeightTensor } from '../model/model-weights.js';

/** Bytes of transposed copies kept at most (beyond it, backward transposes per step or uses out_prod). */
export const transposedWeightBudget = 512 * 1024 * 1024;

export interface TransposedWeights {
  /** Wᵀ by weight name, F32 [out, in]. */
  readonly byName: ReadonlyMap<string, TensorHandle>;
  dispose(): void;
}

export function createTransposedWeights(cpu: CpuBackend, matrices: readonly WeightTensor[]): TransposedWeights {
  const { api } = cpu;
  const eligible = matrices.filter(
    (matrix) => matrix.shape.length === 2 && (matrix.type === ggmlType.F32 || matrix.type === ggmlType.F16),
  );
  const unique = [...new Map(eligible.map((matrix) => [matrix.name, matrix])).values()];
  const bytes = unique.reduce((total, matrix) => total + 4 * (matrix.shape[0] ?? 0) * (matrix.shape[1] ?? 0), 0);
  if (unique.length === 0 || bytes > transposedWeightBudget) return { byName: new Map(), dispose: () => undefined };

  const storage = createMetadataContext(api, unique.length);
  const byName = new Map<string, TensorHandle>();
  for (const matrix of unique) {
    byName.set(
      matrix.name,
      newTensor(api, storage, ggmlType.F32, [matrix.shape[1] ?? 0, matrix.shape[0] ?? 0], `${matrix.name}.T`),
    );
  }
  const buffer = api.ggml_backend_alloc_ctx_tensors(storage, cpu.backend);
  if (buffer === null) throw new MaftError('INTERNAL', 'could not allocate the transposed weights');

  // One graph of copies, run once: cpy(transpose(W), Wᵀ).
  const nodes = 4 * unique.length + 16;
  const context = createMetadataContext(api, 4 * unique.length + 16, nodes);
  const graph = api.ggml_new_graph_custom(context, nodes, false);
  for (const matrix of unique) {
    api.ggml_build_forward_expand(
      graph,
      api.ggml_cpy(context, api.ggml_transpose(context, matrix.handle), byName.get(matrix.name) as TensorHandle),
    );
  }
  const allocator = api.ggml_gallocr_new(cpu.bufferType);
  try {
    if (!api.ggml_gallocr_alloc_graph(allocator, graph))
      throw new MaftError('INTERNAL', 'could not allocate the transpose graph');
    const status = api.ggml_backend_graph_compute(cpu.backend, graph);
    if (status !== 0) throw new MaftError('INTERNAL', `transposing weights failed with status ${status}`);
  } finally {
    api.ggml_gallocr_free(allocator);
    api.ggml_free(context);
  }
  return {
    byName,
    dispose: () => {
      api.ggml_backend_buffer_free(buffer);
      api.ggml_free(storage);
    },
  };
}
