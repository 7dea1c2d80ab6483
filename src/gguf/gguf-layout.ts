/**
 * The layout of a GGUF v3 file, computed before any tensor data exists: header, metadata key/values, tensor
 * infos with their offsets, and the alignment padding. Pure: the writer streams tensor data after it.
 *
 * File order (ggml docs/gguf.md): magic "GGUF", uint32 version 3, uint64 tensor count, uint64 metadata count,
 * the key/values, the tensor infos (name, uint32 n_dims, uint64 dims[n_dims], uint32 ggml type, uint64 offset
 * relative to the data section), zero padding to the alignment, then each tensor's bytes, each padded to
 * the alignment so that every offset is a multiple of it.
 */
import { MaftError } from '../errors/maft-error.js';
import { ByteSink, paddingFor } from './byte-sink.js';
import {
  defaultGgufAlignment,
  ggmlTypes,
  ggufValueTypeIds,
  type GgufFileDescription,
  type GgufMetadata,
  type GgufScalarType,
  type GgufTensor,
} from './gguf-types.js';

const ggufMagic = 0x46554747; // "GGUF" read as a little-endian uint32
const ggufVersion = 3;
const maxTensorNameBytes = 63;

export interface GgufTensorPlacement {
  readonly tensor: GgufTensor;
  /** Offset from the start of the data section. */
  readonly offset: number;
  readonly byteLength: number;
}

export interface GgufLayout {
  /** Header, metadata, tensor infos and padding: everything before the first tensor byte. */
  readonly head: Buffer;
  readonly alignment: number;
  readonly placements: readonly GgufTensorPlacement[];
  /** Size of the whole file. */
  readonly fileByteLength: number;
}

/** The number of elements of a shape, after checking it is one llama.cpp can load. */
export function elementCount(tensor: Pick<GgufTensor, 'name' | 'shape'>): number {
  const { shape, name } = tensor;
  if (shape.length < 1 || shape.length > 4 || !shape.every((size) => Number.isSafeInteger(size) && size > 0)) {
    throw new MaftError('INPUT_INVALID', `tensor ${name}: shape [${shape.join(', ')}] needs 1 to 4 positive sizes`);
  }
  return shape.reduce((product, size) => product * size, 1);
}

/** Bytes the tensor takes in the file, before padding. */
export function tensorByteLength(tensor: GgufTensor): number {
  const { blockSize, bytesPerBlock } = ggmlTypes[tensor.type];
  if ((tensor.shape[0] ?? 0) % blockSize !== 0) {
    throw new MaftError(
      'INPUT_INVALID',
      `tensor ${tensor.name}: ${tensor.type} needs shape[0] divisible by ${blockSize}`,
    );
  }
  return (elementCount(tensor) / blockSize) * bytesPerBlock;
}

/** Read `general.alignment` (default 32) and check it. */
export function alignmentOf(metadata: GgufMetadata): number {
  const entry = metadata['general.alignment'];
  if (entry === undefined) return defaultGgufAlignment;
  if (entry.type !== 'uint32' || entry.value <= 0 || entry.value % 8 !== 0) {
    throw new MaftError('INPUT_INVALID', 'general.alignment must be a uint32 multiple of 8', {
      field: 'general.alignment',
    });
  }
  return entry.value;
}

export function layoutGgufFile(description: GgufFileDescription): GgufLayout {
  const { metadata, tensors } = description;
  const alignment = alignmentOf(metadata);
  const sink = new ByteSink();
  sink.integer('uint32', ggufMagic, 'magic');
  sink.integer('uint32', ggufVersion, 'version');
  sink.integer64(false, tensors.length, 'tensor count');
  sink.integer64(false, Object.keys(metadata).length, 'metadata count');
  for (const [key, value] of Object.entries(metadata)) {
    if (key.length === 0) throw new MaftError('INPUT_INVALID', 'metadata keys must not be empty');
    sink.string(key);
    sink.integer('uint32', ggufValueTypeIds[value.type], key);
    if (value.type === 'array') {
      sink.integer('uint32', ggufValueTypeIds[value.itemType], key);
      sink.integer64(false, value.value.length, key);
      for (let index = 0; index < value.value.length; index++) {
        writeScalar(sink, value.itemType, value.value[index], `${key}[${index}]`);
      }
    } else {
      writeScalar(sink, value.type, value.value, key);
    }
  }

  const names = new Set<string>();
  const placements: GgufTensorPlacement[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    if (names.has(tensor.name)) throw new MaftError('INPUT_INVALID', `tensor ${tensor.name} appears twice`);
    names.add(tensor.name);
    if (tensor.name.length === 0 || Buffer.byteLength(tensor.name, 'utf8') > maxTensorNameBytes) {
      throw new MaftError('INPUT_INVALID', `tensor name "${tensor.name}" must have 1 to ${maxTensorNameBytes} bytes`);
    }
    const byteLength = tensorByteLength(tensor);
    sink.string(tensor.name);
    sink.integer('uint32', tensor.shape.length, tensor.name);
    for (const size of tensor.shape) sink.integer64(false, size, tensor.name);
    sink.integer('uint32', ggmlTypes[tensor.type].id, tensor.name);
    sink.integer64(false, offset, tensor.name);
    placements.push({ tensor, offset, byteLength });
    offset += byteLength + paddingFor(byteLength, alignment);
  }
  sink.padTo(alignment);
  const head = Buffer.from(sink.bytes());
  return { head, alignment, placements, fileByteLength: head.length + offset };
}

function writeScalar(sink: ByteSink, type: GgufScalarType, value: unknown, what: string): void {
  const mismatch = (): MaftError =>
    new MaftError('INPUT_INVALID', `${what}: ${String(value)} is not a ${type}`, { field: what });
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw mismatch();
      return sink.string(value);
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch();
      return sink.integer('uint8', value ? 1 : 0, what);
    case 'uint64':
    case 'int64':
      if (typeof value !== 'bigint' && typeof value !== 'number') throw mismatch();
      return sink.integer64(type === 'int64', value, what);
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') throw mismatch();
      return type === 'float32' ? sink.float32(value) : sink.float64(value);
    default:
      if (typeof value !== 'number') throw mismatch();
      return sink.integer(type, value, what);
  }
}
