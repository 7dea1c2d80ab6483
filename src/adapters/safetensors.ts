/**
 * The safetensors format (huggingface/safetensors, docs "Format"), read and written without a dependency:
 * an unsigned 64-bit little-endian header length N, N bytes of JSON, then the raw tensor bytes. The JSON maps
 * each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data section,
 * row-major, little-endian) and may hold `__metadata__` (string → string). PEFT stores adapters this way
 * (`adapter_model.safetensors`). maft reads F32, F16 and BF16 into float32 and writes F32.
 */
import { MaftError } from '../errors/maft-error.js';
import { float16BitsToFloat32 } from '../gguf/float16.js';

export interface SafetensorsTensor {
  /** Row-major (PyTorch order): shape[0] is the slowest-varying index. */
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const bytesPerElement = { F32: 4, F16: 2, BF16: 2 } as const;
type ReadableDtype = keyof typeof bytesPerElement;

/** Parse a whole safetensors file held in memory; `file` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string, field?: string): MaftError =>
    new MaftError('INPUT_INVALID', message, field === undefined ? { file } : { file, field });
  if (bytes.byteLength < 8) throw fail('not a safetensors file: shorter than its 8-byte header length');
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8)
    throw fail(`not a safetensors file: header length ${headerLength} exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw fail('not a safetensors file: its header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw fail('safetensors header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in bytesPerElement)) {
      throw fail(`dtype ${String(dtype)} is not supported (expected F32, F16 or BF16)`, name);
    }
    if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0))
      throw fail('shape is not a list of sizes', name);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isSafeInteger(offset))) {
      throw fail('data_offsets is not [begin, end]', name);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((product, size) => product * size, 1);
    const width = bytesPerElement[dtype as ReadableDtype];
    if (end - begin !== count * width || begin < 0 || dataStart + end > bytes.byteLength) {
      throw fail(`data_offsets [${begin}, ${end}] do not hold ${count} ${dtype} values inside the file`, name);
    }
    tensors.set(name, {
      shape: shape as number[],
      values: decode(view, dataStart + begin, count, dtype as ReadableDtype),
    });
  }
  return { tensors, metadata };
}

const bfloat16Scratch = new DataView(new ArrayBuffer(4));

function decode(view: DataView, at: number, count: number, dtype: ReadableDtype): Float32Array {
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) {
    if (dtype === 'F32') values[index] = view.getFloat32(at + 4 * index, true);
    else if (dtype === 'F16') values[index] = float16BitsToFloat32(view.getUint16(at + 2 * index, true));
    else {
      // bfloat16 is the top half of a float32.
      bfloat16Scratch.setUint32(0, view.getUint16(at + 2 * index, true) << 16, true);
      values[index] = bfloat16Scratch.getFloat32(0, true);
    }
  }
  return values;
}

/**
 * Encode tensors as an F32 safetensors file, in the given order. The header is padded with spaces to a
 * multiple of 8 bytes, as the reference writer does, so the data section stays aligned.
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const count = tensor.shape.reduce((product, size) => product * size, 1);
    if (count !== tensor.values.length) {
      throw new MaftError(
        'INTERNAL',
        `safetensors ${name}: ${tensor.values.length} values for shape [${tensor.shape.join(', ')}]`,
      );
    }
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const tensor of tensors.values()) {
    for (const value of tensor.values) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  return out;
}
