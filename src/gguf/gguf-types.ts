/**
 * The vocabulary of a GGUF file (version 3, ggml's docs/gguf.md): metadata value types, tensor storage types,
 * and the plain records that describe a file before it is written. Dependency-free, so trainers, adapters and
 * tests can build descriptions without touching the file system.
 */

/** Metadata value type ids as they appear in the file. */
export const ggufValueTypeIds = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufNumberType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type GgufBigIntType = 'uint64' | 'int64';
export type GgufScalarType = GgufNumberType | GgufBigIntType | 'bool' | 'string';

/** One metadata value. 64-bit integers take a bigint, or a number when it is a safe integer. */
export type GgufValue =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: GgufBigIntType; readonly value: bigint | number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | GgufArrayValue;

/** An array of one scalar type (GGUF also allows arrays of arrays; llama.cpp never reads them, so neither do we). */
export type GgufArrayValue =
  | { readonly type: 'array'; readonly itemType: GgufNumberType; readonly value: ArrayLike<number> }
  | { readonly type: 'array'; readonly itemType: GgufBigIntType; readonly value: ArrayLike<bigint | number> }
  | { readonly type: 'array'; readonly itemType: 'bool'; readonly value: ArrayLike<boolean> }
  | { readonly type: 'array'; readonly itemType: 'string'; readonly value: ArrayLike<string> };

/**
 * Metadata in file order. A Record keeps insertion order for the dotted keys GGUF uses (`general.name`), so
 * it is written exactly as built.
 */
export type GgufMetadata = Record<string, GgufValue>;

/** Shorthands that read like the spec: `gguf.uint32(64)`, `gguf.stringArray(tokens)`. */
export const gguf = {
  uint8: (value: number): GgufValue => ({ type: 'uint8', value }),
  int8: (value: number): GgufValue => ({ type: 'int8', value }),
  uint16: (value: number): GgufValue => ({ type: 'uint16', value }),
  int16: (value: number): GgufValue => ({ type: 'int16', value }),
  uint32: (value: number): GgufValue => ({ type: 'uint32', value }),
  int32: (value: number): GgufValue => ({ type: 'int32', value }),
  float32: (value: number): GgufValue => ({ type: 'float32', value }),
  float64: (value: number): GgufValue => ({ type: 'float64', value }),
  uint64: (value: bigint | number): GgufValue => ({ type: 'uint64', value }),
  int64: (value: bigint | number): GgufValue => ({ type: 'int64', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  string: (value: string): GgufValue => ({ type: 'string', value }),
  stringArray: (value: ArrayLike<string>): GgufValue => ({ type: 'array', itemType: 'string', value }),
  int32Array: (value: ArrayLike<number>): GgufValue => ({ type: 'array', itemType: 'int32', value }),
  uint32Array: (value: ArrayLike<number>): GgufValue => ({ type: 'array', itemType: 'uint32', value }),
  float32Array: (value: ArrayLike<number>): GgufValue => ({ type: 'array', itemType: 'float32', value }),
} as const;

/**
 * ggml tensor storage types the writer knows the size of. Only F32 and F16 can be encoded from floats here;
 * the others are accepted as already-encoded bytes (e.g. copying a quantized base model's tensors).
 * `blockSize` elements take `bytesPerBlock` bytes (ggml's `ggml_type_traits`).
 */
export const ggmlTypes = {
  F32: { id: 0, blockSize: 1, bytesPerBlock: 4 },
  F16: { id: 1, blockSize: 1, bytesPerBlock: 2 },
  Q4_0: { id: 2, blockSize: 32, bytesPerBlock: 18 },
  Q4_1: { id: 3, blockSize: 32, bytesPerBlock: 20 },
  Q5_0: { id: 6, blockSize: 32, bytesPerBlock: 22 },
  Q5_1: { id: 7, blockSize: 32, bytesPerBlock: 24 },
  Q8_0: { id: 8, blockSize: 32, bytesPerBlock: 34 },
  Q2_K: { id: 10, blockSize: 256, bytesPerBlock: 84 },
  Q3_K: { id: 11, blockSize: 256, bytesPerBlock: 110 },
  Q4_K: { id: 12, blockSize: 256, bytesPerBlock: 144 },
  Q5_K: { id: 13, blockSize: 256, bytesPerBlock: 176 },
  Q6_K: { id: 14, blockSize: 256, bytesPerBlock: 210 },
  BF16: { id: 30, blockSize: 1, bytesPerBlock: 2 },
} as const;

export type GgmlTypeName = keyof typeof ggmlTypes;

/**
 * A tensor's contents: floats (encoded to the tensor's type, F32 or F16 only) or bytes already in the tensor's
 * type. Row-major in ggml's order: element (i0, i1, …) sits at i0 + shape[0] * (i1 + shape[1] * …).
 */
export type GgufTensorData = Float32Array | Uint8Array;

export interface GgufTensor {
  /** At most 63 UTF-8 bytes (ggml's GGML_MAX_NAME is 64 with the terminating NUL). */
  readonly name: string;
  /** ggml order, 1 to 4 dimensions: shape[0] (ne[0]) is the number of columns, the fastest-varying index. */
  readonly shape: readonly number[];
  readonly type: GgmlTypeName;
  /**
   * The data, or a function that produces it when the writer reaches this tensor, so a large model is
   * generated or loaded one tensor at a time instead of all at once.
   */
  readonly data: GgufTensorData | (() => GgufTensorData | Promise<GgufTensorData>);
}

/** Everything a GGUF file holds. */
export interface GgufFileDescription {
  readonly metadata: GgufMetadata;
  readonly tensors: readonly GgufTensor[];
}

/** The spec's default; `general.alignment` overrides it and must be a multiple of 8. */
export const defaultGgufAlignment = 32;
