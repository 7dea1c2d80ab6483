/**
 * The input tensors of a graph for B windows of T tokens, in their own small backend buffer (so the graph
 * allocator never reuses their memory), and the copy of a batch of windows into them.
 *
 * Loss inputs (training graphs): `labels` F32 [V, N] one-hot of each row's target (all zero for rows without
 * a loss), `lossRows` F32 [V, N] (rows of 1 where a row has a target, of 0 elsewhere: full rows rather than
 * a [1, N] column, because ggml_mul broadcasts a single column element by element, far slower), `lossScale`
 * F32 [1] = N / (rows with a target).
 * With them the loss is the mean cross-entropy over completion tokens only (see loss.ts).
 */
import { MaftError } from '../../errors/maft-error.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { ggmlType, type BufferHandle, type ContextHandle, type TensorHandle } from '../ggml/handles.js';
import { createMetadataContext, newTensor, writeTensor } from '../ggml/tensors.js';
import type { WindowArrays } from '../data/pack-windows.js';
import type { ForwardInputs, ForwardShape } from './forward.js';

export interface LossInputs {
  readonly labels: TensorHandle;
  readonly lossRows: TensorHandle;
  readonly lossScale: TensorHandle;
}

export interface GraphInputs extends ForwardInputs {
  readonly loss?: LossInputs;
  /** Copy B windows in; returns the number of rows with a loss target. */
  upload(windows: readonly WindowArrays[]): number;
  dispose(): void;
}

export function createGraphInputs(
  cpu: CpuBackend,
  shape: ForwardShape,
  vocabularySize: number,
  withLoss: boolean,
): GraphInputs {
  const { api } = cpu;
  const { windowLength: T, windows: B } = shape;
  const N = T * B;
  const context: ContextHandle = createMetadataContext(api, 8);
  const input = (type: number, dimensions: number[], name: string): TensorHandle => {
    const tensor = newTensor(api, context, type, dimensions, name);
    api.ggml_set_input(tensor);
    return tensor;
  };
  const tokens = input(ggmlType.I32, [N], 'tokens');
  const positions = input(ggmlType.I32, [N], 'positions');
  const attentionMask = input(ggmlType.F32, [T, T, 1, B], 'attention_mask');
  const loss: LossInputs | undefined = withLoss
    ? {
        labels: input(ggmlType.F32, [vocabularySize, N], 'labels'),
        lossRows: input(ggmlType.F32, [vocabularySize, N], 'loss_rows'),
        lossScale: input(ggmlType.F32, [1], 'loss_scale'),
      }
    : undefined;
  const buffer: BufferHandle | null = api.ggml_backend_alloc_ctx_tensors(context, cpu.backend);
  if (buffer === null) throw new MaftError('INTERNAL', 'could not allocate the graph inputs');

  // Host staging arrays, reused every step.
  const tokenData = new Int32Array(N);
  const positionData = new Int32Array(N);
  const maskData = new Float32Array(T * T * B);
  const labelData = withLoss ? new Float32Array(vocabularySize * N) : undefined;
  const rowData = withLoss ? new Float32Array(vocabularySize * N) : undefined;

  return {
    tokens,
    positions,
    attentionMask,
    ...(loss === undefined ? {} : { loss }),
    upload(windows: readonly WindowArrays[]): number {
      if (windows.length !== B || windows.some((window) => window.tokens.length !== T)) {
        throw new MaftError('INTERNAL', `graph for ${B} windows of ${T} tokens got ${windows.length} windows`);
      }
      let lossTokens = 0;
      labelData?.fill(0);
      windows.forEach((window, w) => {
        tokenData.set(window.tokens, w * T);
        positionData.set(window.positions, w * T);
        maskData.set(window.attentionMask, w * T * T);
        if (labelData === undefined || rowData === undefined) return;
        for (let row = 0; row < T; row++) {
          const target = window.targets[row] as number;
          const active = target >= 0;
          const start = (w * T + row) * vocabularySize;
          rowData.fill(active ? 1 : 0, start, start + vocabularySize);
          if (!active) continue;
          if (target >= vocabularySize)
            throw new MaftError('INPUT_INVALID', `token id ${target} is outside the vocabulary (${vocabularySize})`);
          labelData[(w * T + row) * vocabularySize + target] = 1;
          lossTokens++;
        }
      });
      for (const token of tokenData) {
        // ggml_get_rows with an out-of-range id reads out of bounds (no check in release builds).
        if (token < 0 || token >= vocabularySize)
          throw new MaftError('INPUT_INVALID', `token id ${token} is outside the vocabulary (${vocabularySize})`);
      }
      writeTensor(api, tokens, tokenData);
      writeTensor(api, positions, positionData);
      writeTensor(api, attentionMask, maskData);
      if (loss !== undefined && labelData !== undefined && rowData !== undefined) {
        writeTensor(api, loss.labels, labelData);
        writeTensor(api, loss.lossRows, rowData);
        writeTensor(api, loss.lossScale, new Float32Array([lossTokens > 0 ? N / lossTokens : 0]));
      }
      return lossTokens;
    },
    dispose(): void {
      api.ggml_backend_buffer_free(buffer);
      api.ggml_free(context);
    },
  };
}
