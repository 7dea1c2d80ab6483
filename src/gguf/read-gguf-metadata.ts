/**
 * Read a GGUF file's metadata with its value types, in file order — what copying a model's metadata into a
 * new file needs (node-llama-cpp's readGgufFileInfo gives plain JS values, losing e.g. uint32 vs int32, which
 * llama.cpp checks). GGUF v2 and v3 (docs/gguf.md); arrays of arrays are refused (llama.cpp never writes them).
 */
import { open } from 'node:fs/promises';
import { MaftError } from '../errors/maft-error.js';
import { ggufValueTypeIds, type GgufMetadata, type GgufScalarType, type GgufValue } from './gguf-types.js';

const typeNames = new Map<number, GgufScalarType | 'array'>(
  Object.entries(ggufValueTypeIds).map(([name, id]) => [id, name as GgufScalarType | 'array']),
);

/** Parse the metadata section from the start of a file (at least the header and all key/values). */
export function parseGgufMetadata(bytes: Buffer, file = 'GGUF'): GgufMetadata {
  let at = 0;
  const need = (count: number): void => {
    if (at + count > bytes.length) throw new MaftError('INPUT_INVALID', `${file}: metadata ends early`, { file });
  };
  const u32 = (): number => {
    need(4);
    const value = bytes.readUInt32LE(at);
    at += 4;
    return value;
  };
  const u64 = (): bigint => {
    need(8);
    const value = bytes.readBigUInt64LE(at);
    at += 8;
    return value;
  };
  const count = (): number => {
    const value = u64();
    if (value > BigInt(bytes.length))
      throw new MaftError('INPUT_INVALID', `${file}: implausible length ${value}`, { file });
    return Number(value);
  };
  const string = (): string => {
    const length = count();
    need(length);
    const value = bytes.toString('utf8', at, at + length);
    at += length;
    return value;
  };
  const scalar = (type: GgufScalarType): unknown => {
    switch (type) {
      case 'uint8':
        need(1);
        return bytes.readUInt8(at++);
      case 'int8':
        need(1);
        return bytes.readInt8(at++);
      case 'uint16':
        need(2);
        at += 2;
        return bytes.readUInt16LE(at - 2);
      case 'int16':
        need(2);
        at += 2;
        return bytes.readInt16LE(at - 2);
      case 'uint32':
        need(4);
        at += 4;
        return bytes.readUInt32LE(at - 4);
      case 'int32':
        need(4);
        at += 4;
        return bytes.readInt32LE(at - 4);
      case 'float32':
        need(4);
        at += 4;
        return bytes.readFloatLE(at - 4);
      case 'float64':
        need(8);
        at += 8;
        return bytes.readDoubleLE(at - 8);
      case 'uint64':
        need(8);
        at += 8;
        return bytes.readBigUInt64LE(at - 8);
      case 'int64':
        need(8);
        at += 8;
        return bytes.readBigInt64LE(at - 8);
      case 'bool':
        need(1);
        return bytes.readUInt8(at++) !== 0;
      case 'string':
        return string();
    }
  };
  const typeOf = (): GgufScalarType | 'array' => {
    const id = u32();
    const name = typeNames.get(id);
    if (name === undefined)
      throw new MaftError('INPUT_INVALID', `${file}: unknown metadata value type ${id}`, { file });
    return name;
  };

  if (u32() !== 0x46554747) throw new MaftError('INPUT_INVALID', `${file}: not a GGUF file`, { file });
  const version = u32();
  if (version !== 2 && version !== 3)
    throw new MaftError('INPUT_INVALID', `${file}: GGUF version ${version} is not supported`, { file });
  u64(); // tensor count
  const entries = count();
  const metadata: GgufMetadata = {};
  for (let index = 0; index < entries; index++) {
    const key = string();
    const type = typeOf();
    if (type !== 'array') {
      metadata[key] = { type, value: scalar(type) } as GgufValue;
      continue;
    }
    const itemType = typeOf();
    if (itemType === 'array')
      throw new MaftError('INPUT_INVALID', `${file}: ${key} is an array of arrays`, { file, field: key });
    const length = count();
    const values: unknown[] = new Array<unknown>(length);
    for (let item = 0; item < length; item++) values[item] = scalar(itemType);
    metadata[key] = { type: 'array', itemType, value: values } as GgufValue;
  }
  return metadata;
}

/** Read the metadata of a GGUF file; `headBytes` must cover it (node-llama-cpp's `infoEndOffset` does). */
export async function readGgufMetadata(path: string, headBytes: number): Promise<GgufMetadata> {
  const file = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(headBytes);
    const { bytesRead } = await file.read(bytes, 0, headBytes, 0);
    return parseGgufMetadata(bytes.subarray(0, bytesRead), path);
  } finally {
    await file.close();
  }
}
