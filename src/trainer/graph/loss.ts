/**
 * The training loss: mean cross-entropy over completion tokens only.
 *
 * ggml_cross_entropy_loss(a, b) computes −(1/N)·Σ_rows Σ_v b·log softmax(a), and its backward pass assumes
 * each label row sums to 1 (gradient softmax(a) − b): a row of zero labels contributes nothing forward but
 * softmax(a) backward. So rows without a target are cut off from the gradient before the op: their logits are
 * multiplied by 0 (`lossRows`), which zeroes their gradient exactly and makes their forward term 0 with the
 * all-zero label row. The mean over completion rows is then the op's mean over all N rows times
 * N / (completion rows) (`lossScale`).
 */
import type { GgmlApi } from '../ggml/bindings.js';
import type { ContextHandle, TensorHandle } from '../ggml/handles.js';
import type { LossInputs } from './graph-inputs.js';

export interface CompletionLoss {
  /** The scalar loss, flagged as ggml's loss (the root of autodiff's backward pass). */
  readonly loss: TensorHandle;
  /**
   * d loss / d logits [V, N] for the hand-written backward pass: what autodiff derives from the loss, i.e.
   * cross_entropy_loss_back with incoming gradient lossScale, then the row mask again.
   */
  readonly logitsGradient?: TensorHandle;
}

export function buildCompletionLoss(
  api: GgmlApi,
  context: ContextHandle,
  logits: TensorHandle,
  inputs: LossInputs,
  withLogitsGradient: boolean,
): CompletionLoss {
  const maskedLogits = api.ggml_mul(context, logits, inputs.lossRows);
  const meanOverAllRows = api.ggml_cross_entropy_loss(context, maskedLogits, inputs.labels);
  const loss = api.ggml_mul(context, meanOverAllRows, inputs.lossScale);
  api.ggml_set_name(loss, 'loss');
  api.ggml_set_loss(loss);
  api.ggml_set_output(loss);
  if (!withLogitsGradient) return { loss };
  const gradient = api.ggml_cross_entropy_loss_back(context, inputs.lossScale, maskedLogits, inputs.labels);
  return { loss, logitsGradient: api.ggml_mul(context, gradient, inputs.lossRows) };
}
