/**
 * One static training graph for B windows of T tokens: forward, completion-only loss, backward, and — when
 * an optimizer state is given — global-norm gradient clipping and one ggml_opt_step_adamw per trainable
 * tensor. Built and allocated once, then run once per optimizer step; nothing is rebuilt per step.
 *
 * The backward pass is hand-written (backward.ts, the default: matrix kernels throughout) or ggml's autodiff
 * (`backward: 'autodiff'`, kept as the reference the tests compare against). Either way gradients are fresh
 * every run: nothing accumulates across steps (llama.cpp's ggml-opt path accumulates gradients and never
 * zeroes them — see notes/llama-cpp.md). Autodiff's backward is seeded by a constant 1 kept in a buffer of
 * its own, so the allocator never reuses it. Nodes run in order, and every AdamW update is appended after the
 * whole backward pass, so no update changes a weight that a gradient still needs.
 */
import { MaftError } from '../../errors/maft-error.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { ggmlType, type TensorHandle } from '../ggml/handles.js';
import { createMetadataContext, newTensor, readFloats, writeTensor } from '../ggml/tensors.js';
import type { WindowArrays } from '../data/pack-windows.js';
import type { ModelHyperparameters } from '../model/hyperparameters.js';
import type { ModelWeights } from '../model/model-weights.js';
import type { LoraSet } from '../lora/lora-weights.js';
import type { AdamWState, TrainableTensor } from '../optimizer/adamw-state.js';
import { buildBackward } from './backward.js';
import { buildForward, type ForwardShape } from './forward.js';
import { graphCapacity } from './graph-capacity.js';
import { createGraphInputs } from './graph-inputs.js';
import { buildCompletionLoss } from './loss.js';

export interface TrainingGraphOptions {
  readonly hyperparameters: ModelHyperparameters;
  readonly weights: ModelWeights;
  readonly lora?: LoraSet;
  /** The tensors that receive gradients (flagged as ggml parameters here). */
  readonly trainable: readonly TrainableTensor[];
  readonly shape: ForwardShape;
  /** Without it the graph only computes the loss and gradients (gradient checks). */
  readonly optimizer?: AdamWState;
  /** Clip the global gradient norm to this before the update; 0 or absent: no clipping. */
  readonly maxGradientNorm?: number;
  /** `manual` (default): backward.ts; `autodiff`: ggml_build_backward_expand. */
  readonly backward?: 'manual' | 'autodiff';
  /** Wᵀ of frozen matrices for the manual backward pass (transposed-weights.ts). */
  readonly transposedWeights?: ReadonlyMap<string, TensorHandle>;
}

export interface StepResult {
  /** Mean cross-entropy over completion tokens (before this step's update). */
  readonly loss: number;
  /** Global L2 norm of the gradients (before clipping). */
  readonly gradientNorm: number;
  readonly lossTokens: number;
}

export interface TrainingGraph {
  readonly shape: ForwardShape;
  /** Forward and backward, then the optimizer update when the graph has one (call optimizer.beginStep first). */
  run(windows: readonly WindowArrays[]): StepResult;
  /** The last run's gradient of a trainable tensor (graphs without an optimizer only). */
  gradient(name: string): Float32Array;
  dispose(): void;
}

export function createTrainingGraph(cpu: CpuBackend, options: TrainingGraphOptions): TrainingGraph {
  const { api } = cpu;
  const { hyperparameters, weights, lora, trainable, shape, optimizer } = options;
  const maxGradientNorm = options.maxGradientNorm ?? 0;
  const manual = (options.backward ?? 'manual') === 'manual';
  if (trainable.length === 0) throw new MaftError('INTERNAL', 'a training graph needs trainable tensors');
  // ggml_opt_step_adamw requires the flag; autodiff differentiates exactly the flagged tensors.
  for (const tensor of trainable) api.ggml_set_param(tensor.handle);

  const inputs = createGraphInputs(cpu, shape, hyperparameters.vocabularySize, true);
  const lossInputs = inputs.loss as NonNullable<typeof inputs.loss>;
  const constantContext = createMetadataContext(api, 1);
  const one = newTensor(api, constantContext, ggmlType.F32, [1], 'one');
  const constantBuffer = api.ggml_backend_alloc_ctx_tensors(constantContext, cpu.backend);
  if (constantBuffer === null) throw new MaftError('INTERNAL', 'could not allocate the loss seed');
  writeTensor(api, one, new Float32Array([1]));

  const capacity = graphCapacity(hyperparameters.blockCount, true);
  const context = createMetadataContext(api, capacity.tensors + 16 * trainable.length, capacity.nodes);
  const trace = buildForward(api, context, hyperparameters, weights, lora, inputs, shape);
  const { loss, logitsGradient } = buildCompletionLoss(api, context, trace.logits, lossInputs, manual);
  const graph = api.ggml_new_graph_custom(context, capacity.nodes, !manual);
  api.ggml_build_forward_expand(graph, loss);

  const gradients = new Map<string, TensorHandle>();
  if (manual) {
    const wanted = new Set(trainable.map((tensor) => tensor.name));
    const built = buildBackward({
      api,
      context,
      hyperparameters,
      weights,
      lora,
      inputs,
      shape,
      trace,
      logitsGradient: logitsGradient as TensorHandle,
      wanted,
      ...(options.transposedWeights === undefined ? {} : { transposedWeights: options.transposedWeights }),
    });
    for (const [name, gradient] of built) gradients.set(name, gradient);
  } else {
    const forwardNodes = api.ggml_graph_n_nodes(graph);
    const accumulators: (TensorHandle | null)[] = new Array<TensorHandle | null>(forwardNodes).fill(null);
    accumulators[forwardNodes - 1] = one; // the loss is the last node the forward expansion added
    api.ggml_build_backward_expand(context, graph, accumulators);
    for (const tensor of trainable) {
      const gradient = api.ggml_graph_get_grad(graph, tensor.handle);
      if (gradient !== null) gradients.set(tensor.name, gradient);
    }
  }

  let sumOfSquares: TensorHandle | undefined;
  for (const tensor of trainable) {
    const gradient = gradients.get(tensor.name);
    if (gradient === undefined) continue; // the tensor does not influence the loss (e.g. unused rope factors)
    if (optimizer === undefined) api.ggml_set_output(gradient);
    api.ggml_build_forward_expand(graph, gradient);
    // ‖g‖² as one dot product (mul_mat of the flattened gradient with itself): a single pass, no g² tensor.
    const flat = api.ggml_reshape_2d(
      context,
      gradient,
      tensor.shape.reduce((product, size) => product * size, 1),
      1,
    );
    const squares = api.ggml_mul_mat(context, flat, flat);
    sumOfSquares = sumOfSquares === undefined ? squares : api.ggml_add(context, sumOfSquares, squares);
  }
  if (sumOfSquares === undefined) throw new MaftError('INTERNAL', 'no trainable tensor receives a gradient');
  const gradientNorm = api.ggml_sqrt(context, sumOfSquares);
  api.ggml_set_output(gradientNorm);
  api.ggml_build_forward_expand(graph, gradientNorm);

  if (optimizer !== undefined) {
    // factor = maxNorm / max(norm, maxNorm) = 1 / max(norm / maxNorm, 1).
    const clipFactor =
      maxGradientNorm > 0
        ? api.ggml_div(
            context,
            one,
            api.ggml_clamp(context, api.ggml_scale(context, gradientNorm, 1 / maxGradientNorm), 1, 3.4e38),
          )
        : undefined;
    // ggml_mul broadcasts a [1] tensor element by element (a slow path); a row of the factor, repeated once per
    // row length, takes the vectorised path.
    const factorRows = new Map<number, TensorHandle>();
    const clip = (gradient: TensorHandle, rowLength: number): TensorHandle => {
      if (clipFactor === undefined) return gradient;
      let row = factorRows.get(rowLength);
      if (row === undefined) {
        row = api.ggml_repeat_4d(context, clipFactor, rowLength, 1, 1, 1);
        factorRows.set(rowLength, row);
      }
      return api.ggml_mul(context, gradient, row);
    };
    for (const tensor of trainable) {
      const gradient = gradients.get(tensor.name);
      const moments = optimizer.moments.get(tensor.name);
      if (gradient === undefined) continue;
      if (moments === undefined) throw new MaftError('INTERNAL', `no optimizer state for ${tensor.name}`);
      const parameters = tensor.decay ? optimizer.decayParameters : optimizer.plainParameters;
      const step = api.ggml_opt_step_adamw(
        context,
        tensor.handle,
        clip(gradient, tensor.shape[0] ?? 1),
        moments.m,
        moments.v,
        parameters,
      );
      api.ggml_build_forward_expand(graph, step);
    }
  }

  const allocator = api.ggml_gallocr_new(cpu.bufferType);
  const dispose = (): void => {
    api.ggml_gallocr_free(allocator);
    api.ggml_free(context);
    api.ggml_backend_buffer_free(constantBuffer);
    api.ggml_free(constantContext);
    inputs.dispose();
  };
  if (!api.ggml_gallocr_alloc_graph(allocator, graph)) {
    dispose();
    throw new MaftError('INTERNAL', 'could not allocate the training graph');
  }
  const scalar = new Float32Array(1);
  const readScalar = (tensor: TensorHandle): number => {
    api.ggml_backend_tensor_get(tensor, scalar, 0, 4);
    return scalar[0] as number;
  };
  return {
    shape,
    run(windows: readonly WindowArrays[]): StepResult {
      const lossTokens = inputs.upload(windows);
      const status = api.ggml_backend_graph_compute(cpu.backend, graph);
      if (status !== 0) throw new MaftError('INTERNAL', `ggml graph compute failed with status ${status}`);
      return { loss: readScalar(loss), gradientNorm: readScalar(gradientNorm), lossTokens };
    },
    gradient(name: string): Float32Array {
      const gradient = gradients.get(name);
      if (optimizer !== undefined || gradient === undefined)
        throw new MaftError('INTERNAL', `no readable gradient for ${name}`);
      return readFloats(api, gradient);
    },
    dispose,
  };
}
