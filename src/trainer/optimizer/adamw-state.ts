/**
 * AdamW state kept by maft itself: first and second moments per trainable tensor, zero at the start, in one
 * backend buffer, plus the 7-float parameter tensors ggml_opt_step_adamw reads every step
 * ([lr, β1, β2, ε, weight decay, 1/(1−β1^t), 1/(1−β2^t)], ggml-cpu ops.cpp). Two parameter tensors: one with
 * weight decay for matrices, one without for norms and biases (decay on those only hurts).
 *
 * ggml applies decoupled weight decay (w ← w·(1 − lr·wd) − lr·m̂/(√v̂ + ε)), PyTorch's AdamW.
 */
import { MaftError } from '../../errors/maft-error.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { ggmlType, type TensorHandle } from '../ggml/handles.js';
import { createMetadataContext, newTensor, writeTensor } from '../ggml/tensors.js';

export interface TrainableTensor {
  readonly name: string;
  readonly handle: TensorHandle;
  readonly shape: readonly number[];
  /** Whether weight decay applies (true for matrices). */
  readonly decay: boolean;
}

export interface AdamWSettings {
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly epsilon?: number;
  /** Decoupled weight decay per unit of learning rate. Default 0. */
  readonly weightDecay?: number;
}

export interface AdamWState {
  readonly moments: ReadonlyMap<string, { readonly m: TensorHandle; readonly v: TensorHandle }>;
  readonly decayParameters: TensorHandle;
  readonly plainParameters: TensorHandle;
  /** Steps taken so far (t of the bias correction). */
  readonly steps: number;
  /** Set the parameters for the next step, with learning rate `learningRate`, and count it. */
  beginStep(learningRate: number): void;
  dispose(): void;
}

export function createAdamWState(
  cpu: CpuBackend,
  trainable: readonly TrainableTensor[],
  settings: AdamWSettings = {},
): AdamWState {
  const { api } = cpu;
  const beta1 = settings.beta1 ?? 0.9;
  const beta2 = settings.beta2 ?? 0.999;
  const epsilon = settings.epsilon ?? 1e-8;
  const weightDecay = settings.weightDecay ?? 0;
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0 && weightDecay >= 0)) {
    throw new MaftError('CONFIG_INVALID', 'AdamW needs 0 ≤ β1, β2 < 1, ε > 0 and weight decay ≥ 0', {
      field: 'optimizer',
    });
  }
  const context = createMetadataContext(api, 2 * trainable.length + 2);
  const moments = new Map<string, { m: TensorHandle; v: TensorHandle }>();
  for (const tensor of trainable) {
    moments.set(tensor.name, {
      m: newTensor(api, context, ggmlType.F32, tensor.shape, `${tensor.name}.adam_m`),
      v: newTensor(api, context, ggmlType.F32, tensor.shape, `${tensor.name}.adam_v`),
    });
  }
  const decayParameters = newTensor(api, context, ggmlType.F32, [7], 'adamw_decay');
  const plainParameters = newTensor(api, context, ggmlType.F32, [7], 'adamw_plain');
  const buffer = api.ggml_backend_alloc_ctx_tensors(context, cpu.backend);
  if (buffer === null) throw new MaftError('INTERNAL', 'could not allocate the optimizer state');
  api.ggml_backend_buffer_clear(buffer, 0);
  let steps = 0;
  return {
    moments,
    decayParameters,
    plainParameters,
    get steps() {
      return steps;
    },
    beginStep(learningRate: number): void {
      if (!(Number.isFinite(learningRate) && learningRate >= 0))
        throw new MaftError('INTERNAL', `learning rate ${learningRate}`);
      steps++;
      const correction1 = 1 / (1 - beta1 ** steps);
      const correction2 = 1 / (1 - beta2 ** steps);
      writeTensor(
        api,
        decayParameters,
        new Float32Array([learningRate, beta1, beta2, epsilon, weightDecay, correction1, correction2]),
      );
      writeTensor(
        api,
        plainParameters,
        new Float32Array([learningRate, beta1, beta2, epsilon, 0, correction1, correction2]),
      );
    },
    dispose(): void {
      api.ggml_backend_buffer_free(buffer);
      api.ggml_free(context);
    },
  };
}
