/**
 * Opaque ggml handles as TypeScript sees them: branded so a context cannot be passed where a tensor is
 * expected. At run time each is the pointer object koffi returns; maft never reads the structs behind them
 * (ggml's accessor functions give everything needed), so no struct layout of ggml.h is mirrored here
 * except the two passed by value (see bindings.ts).
 */
declare const brand: unique symbol;
type Handle<Name extends string> = { readonly [brand]: Name };

export type ContextHandle = Handle<'ggml_context'>;
export type TensorHandle = Handle<'ggml_tensor'>;
export type GraphHandle = Handle<'ggml_cgraph'>;
export type BackendHandle = Handle<'ggml_backend'>;
export type BufferHandle = Handle<'ggml_backend_buffer'>;
export type BufferTypeHandle = Handle<'ggml_backend_buffer_type'>;
export type DeviceHandle = Handle<'ggml_backend_device'>;
export type RegistryHandle = Handle<'ggml_backend_reg'>;
export type AllocatorHandle = Handle<'ggml_gallocr'>;
export type FunctionPointer = Handle<'function pointer'>;

/** ggml_type values (ggml.h `enum ggml_type`) that maft creates itself; others are passed through from GGUF files. */
export const ggmlType = { F32: 0, F16: 1, I32: 26 } as const;

/** ggml_backend_dev_type (ggml-backend.h). */
export const deviceTypeCpu = 0;

/** RoPE modes (ggml.h): llama rotates adjacent pairs, NEOX (qwen2) rotates the two halves of each head. */
export const ropeMode = { normal: 0, neox: 2 } as const;
