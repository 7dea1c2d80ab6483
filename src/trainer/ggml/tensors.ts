/**
 * Small helpers over the bindings: tensors of any rank, metadata-only contexts, and copying floats in and out
 * of backend memory (one memcpy each way through `ggml_backend_tensor_set/get`).
 */
import { MaftError } from '../../errors/maft-error.js';
import type { GgmlApi } from './bindings.js';
import type { ContextHandle, TensorHandle } from './handles.js';

/**
 * A context that holds only metadata (tensor headers and graphs, `no_alloc`); data lives in backend buffers.
 * `tensors` and `graphNodes` size its pool; too small a pool is a ggml assertion (process abort), so callers
 * count generously.
 */
export function createMetadataContext(api: GgmlApi, tensors: number, graphNodes = 0): ContextHandle {
  const size =
    tensors * api.ggml_tensor_overhead() + (graphNodes > 0 ? api.ggml_graph_overhead_custom(graphNodes, true) : 0);
  const context = api.ggml_init({ mem_size: size, mem_buffer: null, no_alloc: true });
  if (context === null) throw new MaftError('INTERNAL', `ggml_init failed for a ${size}-byte metadata context`);
  return context;
}

export function newTensor(
  api: GgmlApi,
  context: ContextHandle,
  type: number,
  shape: readonly number[],
  name?: string,
): TensorHandle {
  const [a = 1, b = 1, c = 1, d = 1] = shape;
  let tensor: TensorHandle;
  switch (shape.length) {
    case 1:
      tensor = api.ggml_new_tensor_1d(context, type, a);
      break;
    case 2:
      tensor = api.ggml_new_tensor_2d(context, type, a, b);
      break;
    case 3:
      tensor = api.ggml_new_tensor_3d(context, type, a, b, c);
      break;
    case 4:
      tensor = api.ggml_new_tensor_4d(context, type, a, b, c, d);
      break;
    default:
      throw new MaftError('INTERNAL', `tensor of rank ${shape.length}`);
  }
  if (name !== undefined) api.ggml_set_name(tensor, name);
  return tensor;
}

/** Copy a typed array into a whole tensor; its byte length must equal the tensor's. */
export function writeTensor(api: GgmlApi, tensor: TensorHandle, data: Float32Array | Int32Array | Uint8Array): void {
  const bytes = api.ggml_nbytes(tensor);
  if (data.byteLength !== bytes) {
    throw new MaftError(
      'INTERNAL',
      `tensor ${api.ggml_get_name(tensor)}: ${data.byteLength} bytes given, ${bytes} needed`,
    );
  }
  api.ggml_backend_tensor_set(tensor, data, 0, bytes);
}

/** The floats of an F32 tensor. */
export function readFloats(api: GgmlApi, tensor: TensorHandle): Float32Array {
  const bytes = api.ggml_nbytes(tensor);
  const data = new Float32Array(bytes / 4);
  api.ggml_backend_tensor_get(tensor, data, 0, bytes);
  return data;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
