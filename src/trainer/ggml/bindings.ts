/**
 * The ggml functions maft's trainer calls, bound with koffi to the shared libraries node-llama-cpp ships.
 * Only what the trainer needs; every pointer is opaque. Two structs cross by value and are declared here
 * with their exact layouts from ggml.h of the bundled release (checked with `sizeof` at load):
 * `ggml_init_params` (24 bytes). Signatures are copied from ggml.h, ggml-alloc.h and ggml-backend.h of
 * llama.cpp release v0.5.0 (node-llama-cpp 3.22.1); a different node-llama-cpp needs them re-checked.
 *
 * A failed GGML_ASSERT inside any of these calls aborts the whole process (no JS exception): callers check
 * shapes first where they can, and training runs in a child process.
 */
import koffi from 'koffi';
import { MaftError } from '../../errors/maft-error.js';
import type {
  AllocatorHandle,
  BackendHandle,
  BufferHandle,
  BufferTypeHandle,
  ContextHandle,
  DeviceHandle,
  FunctionPointer,
  GraphHandle,
  RegistryHandle,
  TensorHandle,
} from './handles.js';
import { locateGgmlLibraries } from './library-path.js';

type T = TensorHandle;
type C = ContextHandle;

export interface InitParams {
  /** Bytes of the context's memory pool; with noAlloc it holds only tensor and graph metadata. */
  readonly mem_size: number;
  readonly mem_buffer: null;
  readonly no_alloc: boolean;
}

export interface GgmlApi {
  // Contexts and tensors (ggml.h)
  ggml_init(params: InitParams): C | null;
  ggml_free(context: C): void;
  ggml_tensor_overhead(): number;
  ggml_graph_overhead_custom(size: number, grads: boolean): number;
  ggml_new_tensor_1d(context: C, type: number, ne0: number): T;
  ggml_new_tensor_2d(context: C, type: number, ne0: number, ne1: number): T;
  ggml_new_tensor_3d(context: C, type: number, ne0: number, ne1: number, ne2: number): T;
  ggml_new_tensor_4d(context: C, type: number, ne0: number, ne1: number, ne2: number, ne3: number): T;
  ggml_set_name(tensor: T, name: string): T;
  ggml_get_name(tensor: T): string;
  ggml_set_param(tensor: T): void;
  ggml_set_loss(tensor: T): void;
  ggml_set_input(tensor: T): void;
  ggml_set_output(tensor: T): void;
  ggml_nbytes(tensor: T): number;
  ggml_nelements(tensor: T): number;
  ggml_type_size(type: number): number;
  ggml_blck_size(type: number): number;
  ggml_row_size(type: number, ne: number): number;
  ggml_fp16_to_fp32_row(source: Uint8Array, target: Float32Array, count: number): void;
  // Operations (ggml.h); each has a backward pass in this release (ggml.c ggml_compute_backward)
  ggml_get_rows(context: C, a: T, rows: T): T;
  ggml_rms_norm(context: C, a: T, eps: number): T;
  ggml_mul(context: C, a: T, b: T): T;
  ggml_add(context: C, a: T, b: T): T;
  ggml_div(context: C, a: T, b: T): T;
  ggml_sqr(context: C, a: T): T;
  ggml_sqrt(context: C, a: T): T;
  ggml_sum(context: C, a: T): T;
  ggml_scale(context: C, a: T, s: number): T;
  ggml_clamp(context: C, a: T, min: number, max: number): T;
  ggml_mul_mat(context: C, a: T, b: T): T;
  ggml_reshape_2d(context: C, a: T, ne0: number, ne1: number): T;
  ggml_reshape_3d(context: C, a: T, ne0: number, ne1: number, ne2: number): T;
  ggml_reshape_4d(context: C, a: T, ne0: number, ne1: number, ne2: number, ne3: number): T;
  ggml_repeat_4d(context: C, a: T, ne0: number, ne1: number, ne2: number, ne3: number): T;
  ggml_permute(context: C, a: T, axis0: number, axis1: number, axis2: number, axis3: number): T;
  ggml_transpose(context: C, a: T): T;
  ggml_cont(context: C, a: T): T;
  ggml_cont_2d(context: C, a: T, ne0: number, ne1: number): T;
  ggml_rope_ext(
    context: C,
    a: T,
    positions: T,
    frequencyFactors: T | null,
    dimensions: number,
    mode: number,
    contextOriginal: number,
    frequencyBase: number,
    frequencyScale: number,
    extensionFactor: number,
    attentionFactor: number,
    betaFast: number,
    betaSlow: number,
  ): T;
  ggml_soft_max_ext(context: C, a: T, mask: T | null, scale: number, maxBias: number): T;
  ggml_swiglu_split(context: C, gate: T, up: T): T;
  ggml_cross_entropy_loss(context: C, logits: T, labels: T): T;
  // Backward operations, for the hand-written backward pass
  ggml_out_prod(context: C, a: T, b: T): T;
  ggml_silu(context: C, a: T): T;
  ggml_silu_back(context: C, gradient: T, x: T): T;
  ggml_rms_norm_back(context: C, gradient: T, x: T, eps: number): T;
  ggml_soft_max_ext_back(context: C, gradient: T, softmaxOutput: T, scale: number, maxBias: number): T;
  ggml_rope_ext_back(
    context: C,
    gradient: T,
    positions: T,
    frequencyFactors: T | null,
    dimensions: number,
    mode: number,
    contextOriginal: number,
    frequencyBase: number,
    frequencyScale: number,
    extensionFactor: number,
    attentionFactor: number,
    betaFast: number,
    betaSlow: number,
  ): T;
  ggml_get_rows_back(context: C, gradient: T, rows: T, shapeOf: T): T;
  ggml_repeat_back(context: C, a: T, shapeOf: T): T;
  ggml_cross_entropy_loss_back(context: C, gradient: T, logits: T, labels: T): T;
  ggml_cast(context: C, a: T, type: number): T;
  ggml_cpy(context: C, a: T, b: T): T;
  ggml_opt_step_adamw(context: C, weight: T, gradient: T, m: T, v: T, parameters: T): T;
  // Graphs
  ggml_new_graph_custom(context: C, size: number, grads: boolean): GraphHandle;
  ggml_build_forward_expand(graph: GraphHandle, tensor: T): void;
  ggml_build_backward_expand(context: C, graph: GraphHandle, gradientAccumulators: (T | null)[] | null): void;
  ggml_graph_get_grad(graph: GraphHandle, tensor: T): T | null;
  ggml_graph_n_nodes(graph: GraphHandle): number;
  ggml_graph_node(graph: GraphHandle, index: number): T;
  // Allocation (ggml-alloc.h)
  ggml_backend_alloc_ctx_tensors(context: C, backend: BackendHandle): BufferHandle | null;
  ggml_gallocr_new(bufferType: BufferTypeHandle): AllocatorHandle;
  ggml_gallocr_free(allocator: AllocatorHandle): void;
  ggml_gallocr_alloc_graph(allocator: AllocatorHandle, graph: GraphHandle): boolean;
  ggml_gallocr_get_buffer_size(allocator: AllocatorHandle, bufferId: number): number;
  // Backends (ggml-backend.h)
  ggml_backend_load_all_from_path(directory: string): void;
  ggml_backend_dev_by_type(type: number): DeviceHandle | null;
  ggml_backend_dev_init(device: DeviceHandle, parameters: string | null): BackendHandle | null;
  ggml_backend_dev_backend_reg(device: DeviceHandle): RegistryHandle;
  ggml_backend_dev_description(device: DeviceHandle): string;
  ggml_backend_reg_get_proc_address(registry: RegistryHandle, name: string): FunctionPointer | null;
  ggml_backend_free(backend: BackendHandle): void;
  ggml_backend_get_default_buffer_type(backend: BackendHandle): BufferTypeHandle;
  ggml_backend_buffer_free(buffer: BufferHandle): void;
  ggml_backend_buffer_clear(buffer: BufferHandle, value: number): void;
  ggml_backend_buffer_get_size(buffer: BufferHandle): number;
  ggml_backend_tensor_set(tensor: T, data: ArrayBufferView, offset: number, size: number): void;
  ggml_backend_tensor_get(tensor: T, data: ArrayBufferView, offset: number, size: number): void;
  ggml_backend_graph_compute(backend: BackendHandle, graph: GraphHandle): number;
}

const opaqueNames = [
  'ggml_context',
  'ggml_tensor',
  'ggml_cgraph',
  'ggml_backend',
  'ggml_backend_buffer',
  'ggml_backend_buffer_type',
  'ggml_backend_device',
  'ggml_backend_reg',
  'ggml_gallocr',
];

/** C prototypes in koffi's syntax; each name must match a key of GgmlApi. */
const prototypes: Record<keyof GgmlApi, string> = {
  ggml_init: 'ggml_context *ggml_init(ggml_init_params params)',
  ggml_free: 'void ggml_free(ggml_context *ctx)',
  ggml_tensor_overhead: 'size_t ggml_tensor_overhead()',
  ggml_graph_overhead_custom: 'size_t ggml_graph_overhead_custom(size_t size, bool grads)',
  ggml_new_tensor_1d: 'ggml_tensor *ggml_new_tensor_1d(ggml_context *ctx, int type, int64_t ne0)',
  ggml_new_tensor_2d: 'ggml_tensor *ggml_new_tensor_2d(ggml_context *ctx, int type, int64_t ne0, int64_t ne1)',
  ggml_new_tensor_3d:
    'ggml_tensor *ggml_new_tensor_3d(ggml_context *ctx, int type, int64_t ne0, int64_t ne1, int64_t ne2)',
  ggml_new_tensor_4d:
    'ggml_tensor *ggml_new_tensor_4d(ggml_context *ctx, int type, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3)',
  ggml_set_name: 'ggml_tensor *ggml_set_name(ggml_tensor *tensor, const char *name)',
  ggml_get_name: 'const char *ggml_get_name(ggml_tensor *tensor)',
  ggml_set_param: 'void ggml_set_param(ggml_tensor *tensor)',
  ggml_set_loss: 'void ggml_set_loss(ggml_tensor *tensor)',
  ggml_set_input: 'void ggml_set_input(ggml_tensor *tensor)',
  ggml_set_output: 'void ggml_set_output(ggml_tensor *tensor)',
  ggml_nbytes: 'size_t ggml_nbytes(ggml_tensor *tensor)',
  ggml_nelements: 'int64_t ggml_nelements(ggml_tensor *tensor)',
  ggml_type_size: 'size_t ggml_type_size(int type)',
  ggml_blck_size: 'int64_t ggml_blck_size(int type)',
  ggml_row_size: 'size_t ggml_row_size(int type, int64_t ne)',
  ggml_fp16_to_fp32_row: 'void ggml_fp16_to_fp32_row(const void *x, void *y, int64_t n)',
  ggml_get_rows: 'ggml_tensor *ggml_get_rows(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_rms_norm: 'ggml_tensor *ggml_rms_norm(ggml_context *ctx, ggml_tensor *a, float eps)',
  ggml_mul: 'ggml_tensor *ggml_mul(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_add: 'ggml_tensor *ggml_add(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_div: 'ggml_tensor *ggml_div(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_sqr: 'ggml_tensor *ggml_sqr(ggml_context *ctx, ggml_tensor *a)',
  ggml_sqrt: 'ggml_tensor *ggml_sqrt(ggml_context *ctx, ggml_tensor *a)',
  ggml_sum: 'ggml_tensor *ggml_sum(ggml_context *ctx, ggml_tensor *a)',
  ggml_scale: 'ggml_tensor *ggml_scale(ggml_context *ctx, ggml_tensor *a, float s)',
  ggml_clamp: 'ggml_tensor *ggml_clamp(ggml_context *ctx, ggml_tensor *a, float min, float max)',
  ggml_mul_mat: 'ggml_tensor *ggml_mul_mat(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_reshape_2d: 'ggml_tensor *ggml_reshape_2d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1)',
  ggml_reshape_3d:
    'ggml_tensor *ggml_reshape_3d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1, int64_t ne2)',
  ggml_reshape_4d:
    'ggml_tensor *ggml_reshape_4d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3)',
  ggml_repeat_4d:
    'ggml_tensor *ggml_repeat_4d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3)',
  ggml_permute:
    'ggml_tensor *ggml_permute(ggml_context *ctx, ggml_tensor *a, int axis0, int axis1, int axis2, int axis3)',
  ggml_transpose: 'ggml_tensor *ggml_transpose(ggml_context *ctx, ggml_tensor *a)',
  ggml_cont: 'ggml_tensor *ggml_cont(ggml_context *ctx, ggml_tensor *a)',
  ggml_cont_2d: 'ggml_tensor *ggml_cont_2d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1)',
  ggml_rope_ext:
    'ggml_tensor *ggml_rope_ext(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, ggml_tensor *c, int n_dims, int mode, ' +
    'int n_ctx_orig, float freq_base, float freq_scale, float ext_factor, float attn_factor, float beta_fast, float beta_slow)',
  ggml_soft_max_ext:
    'ggml_tensor *ggml_soft_max_ext(ggml_context *ctx, ggml_tensor *a, ggml_tensor *mask, float scale, float max_bias)',
  ggml_swiglu_split: 'ggml_tensor *ggml_swiglu_split(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_cross_entropy_loss: 'ggml_tensor *ggml_cross_entropy_loss(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_out_prod: 'ggml_tensor *ggml_out_prod(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_silu: 'ggml_tensor *ggml_silu(ggml_context *ctx, ggml_tensor *a)',
  ggml_silu_back: 'ggml_tensor *ggml_silu_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_rms_norm_back: 'ggml_tensor *ggml_rms_norm_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, float eps)',
  ggml_soft_max_ext_back:
    'ggml_tensor *ggml_soft_max_ext_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, float scale, float max_bias)',
  ggml_rope_ext_back:
    'ggml_tensor *ggml_rope_ext_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, ggml_tensor *c, int n_dims, int mode, ' +
    'int n_ctx_orig, float freq_base, float freq_scale, float ext_factor, float attn_factor, float beta_fast, float beta_slow)',
  ggml_get_rows_back:
    'ggml_tensor *ggml_get_rows_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, ggml_tensor *c)',
  ggml_repeat_back: 'ggml_tensor *ggml_repeat_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_cross_entropy_loss_back:
    'ggml_tensor *ggml_cross_entropy_loss_back(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, ggml_tensor *c)',
  ggml_cast: 'ggml_tensor *ggml_cast(ggml_context *ctx, ggml_tensor *a, int type)',
  ggml_cpy: 'ggml_tensor *ggml_cpy(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b)',
  ggml_opt_step_adamw:
    'ggml_tensor *ggml_opt_step_adamw(ggml_context *ctx, ggml_tensor *a, ggml_tensor *grad, ggml_tensor *m, ggml_tensor *v, ' +
    'ggml_tensor *adamw_params)',
  ggml_new_graph_custom: 'ggml_cgraph *ggml_new_graph_custom(ggml_context *ctx, size_t size, bool grads)',
  ggml_build_forward_expand: 'void ggml_build_forward_expand(ggml_cgraph *cgraph, ggml_tensor *tensor)',
  ggml_build_backward_expand:
    'void ggml_build_backward_expand(ggml_context *ctx, ggml_cgraph *cgraph, ggml_tensor **grad_accs)',
  ggml_graph_get_grad: 'ggml_tensor *ggml_graph_get_grad(ggml_cgraph *cgraph, ggml_tensor *node)',
  ggml_graph_n_nodes: 'int ggml_graph_n_nodes(ggml_cgraph *cgraph)',
  ggml_graph_node: 'ggml_tensor *ggml_graph_node(ggml_cgraph *cgraph, int i)',
  ggml_backend_alloc_ctx_tensors:
    'ggml_backend_buffer *ggml_backend_alloc_ctx_tensors(ggml_context *ctx, ggml_backend *backend)',
  ggml_gallocr_new: 'ggml_gallocr *ggml_gallocr_new(ggml_backend_buffer_type *buft)',
  ggml_gallocr_free: 'void ggml_gallocr_free(ggml_gallocr *galloc)',
  ggml_gallocr_alloc_graph: 'bool ggml_gallocr_alloc_graph(ggml_gallocr *galloc, ggml_cgraph *graph)',
  ggml_gallocr_get_buffer_size: 'size_t ggml_gallocr_get_buffer_size(ggml_gallocr *galloc, int buffer_id)',
  ggml_backend_load_all_from_path: 'void ggml_backend_load_all_from_path(const char *dir_path)',
  ggml_backend_dev_by_type: 'ggml_backend_device *ggml_backend_dev_by_type(int type)',
  ggml_backend_dev_init: 'ggml_backend *ggml_backend_dev_init(ggml_backend_device *device, const char *params)',
  ggml_backend_dev_backend_reg: 'ggml_backend_reg *ggml_backend_dev_backend_reg(ggml_backend_device *device)',
  ggml_backend_dev_description: 'const char *ggml_backend_dev_description(ggml_backend_device *device)',
  ggml_backend_reg_get_proc_address: 'void *ggml_backend_reg_get_proc_address(ggml_backend_reg *reg, const char *name)',
  ggml_backend_free: 'void ggml_backend_free(ggml_backend *backend)',
  ggml_backend_get_default_buffer_type:
    'ggml_backend_buffer_type *ggml_backend_get_default_buffer_type(ggml_backend *backend)',
  ggml_backend_buffer_free: 'void ggml_backend_buffer_free(ggml_backend_buffer *buffer)',
  ggml_backend_buffer_clear: 'void ggml_backend_buffer_clear(ggml_backend_buffer *buffer, uint8_t value)',
  ggml_backend_buffer_get_size: 'size_t ggml_backend_buffer_get_size(ggml_backend_buffer *buffer)',
  ggml_backend_tensor_set:
    'void ggml_backend_tensor_set(ggml_tensor *tensor, const void *data, size_t offset, size_t size)',
  ggml_backend_tensor_get: 'void ggml_backend_tensor_get(ggml_tensor *tensor, void *data, size_t offset, size_t size)',
  ggml_backend_graph_compute: 'int ggml_backend_graph_compute(ggml_backend *backend, ggml_cgraph *cgraph)',
};

/** Functions that live in libggml (the backend registry); all others are in libggml-base. */
const registryFunctions = new Set<keyof GgmlApi>(['ggml_backend_load_all_from_path', 'ggml_backend_dev_by_type']);

let loaded: GgmlApi | undefined;
let setThreadsType: ReturnType<typeof koffi.proto> | undefined;

/**
 * The type of `void ggml_backend_set_n_threads(ggml_backend_t, int)`, which is fetched through the CPU
 * registry's proc address (koffi.call needs it).
 */
export function setThreadsPrototype(): ReturnType<typeof koffi.proto> {
  loadGgml();
  setThreadsType ??= koffi.proto('void ggml_backend_set_n_threads_t(ggml_backend *backend, int n_threads)');
  return setThreadsType;
}

/** Load (once per process) and bind the libraries. */
export function loadGgml(): GgmlApi {
  if (loaded !== undefined) return loaded;
  for (const name of opaqueNames) koffi.opaque(name);
  const initParams = koffi.struct('ggml_init_params', { mem_size: 'size_t', mem_buffer: 'void *', no_alloc: 'bool' });
  // ggml.h: struct ggml_init_params { size_t mem_size; void * mem_buffer; bool no_alloc; } on LP64.
  if (koffi.sizeof(initParams) !== 24) throw new MaftError('INTERNAL', 'ggml_init_params layout mismatch');
  const paths = locateGgmlLibraries();
  const base = koffi.load(paths.base);
  const registry = koffi.load(paths.ggml);
  const api: Record<string, unknown> = {};
  for (const [name, prototype] of Object.entries(prototypes)) {
    const library = registryFunctions.has(name as keyof GgmlApi) ? registry : base;
    api[name] = library.func(prototype);
  }
  loaded = api as unknown as GgmlApi;
  return loaded;
}

/** Directory of the CPU variant libraries, for ggml_backend_load_all_from_path. */
export function ggmlLibraryDirectory(): string {
  return locateGgmlLibraries().directory;
}
