/**
 * A growable little-endian byte buffer for the small part of a GGUF file (header, metadata, tensor infos).
 * Integer writers check their range, so a bad value fails with a message instead of being silently wrapped.
 */
import { MaftError } from '../errors/maft-error.js';

const integerRanges = {
  uint8: [0, 0xff],
  int8: [-0x80, 0x7f],
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
} as const;

export type SmallIntegerType = keyof typeof integerRanges;

export class ByteSink {
  private buffer = Buffer.alloc(4096);
  private length = 0;

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  get byteLength(): number {
    return this.length;
  }

  integer(type: SmallIntegerType, value: number, what: string): void {
    const [min, max] = integerRanges[type];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new MaftError('INPUT_INVALID', `${what}: ${value} is not a valid ${type}`, { field: what });
    }
    const size = type.endsWith('8') ? 1 : type.endsWith('16') ? 2 : 4;
    const at = this.reserve(size);
    if (type.startsWith('u')) this.buffer.writeUIntLE(value, at, size);
    else this.buffer.writeIntLE(value, at, size);
  }

  /** 64-bit integer; a number must be a safe integer so that no precision is lost on the way. */
  integer64(signed: boolean, value: bigint | number, what: string): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new MaftError('INPUT_INVALID', `${what}: ${value} is not a safe integer; pass a bigint`, { field: what });
    }
    const big = BigInt(value);
    const fits = signed ? BigInt.asIntN(64, big) === big : big >= 0n && BigInt.asUintN(64, big) === big;
    if (!fits) {
      throw new MaftError('INPUT_INVALID', `${what}: ${value} does not fit in ${signed ? 'int64' : 'uint64'}`, {
        field: what,
      });
    }
    const at = this.reserve(8);
    if (signed) this.buffer.writeBigInt64LE(big, at);
    else this.buffer.writeBigUInt64LE(big, at);
  }

  float32(value: number): void {
    const at = this.reserve(4);
    this.buffer.writeFloatLE(value, at);
  }

  float64(value: number): void {
    const at = this.reserve(8);
    this.buffer.writeDoubleLE(value, at);
  }

  /** A GGUF string: uint64 byte length, then UTF-8 bytes without a terminator. */
  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.integer64(false, encoded.length, 'string length');
    const at = this.reserve(encoded.length);
    encoded.copy(this.buffer, at);
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  padTo(alignment: number): void {
    const at = this.reserve(paddingFor(this.length, alignment));
    this.buffer.fill(0, at, this.length);
  }

  /**
   * Claim `size` bytes and return where they start. It may replace `this.buffer`, so callers read
   * `this.buffer` only after calling it.
   */
  private reserve(size: number): number {
    if (this.length + size > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + size));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += size;
    return at;
  }
}

/** Bytes needed after `offset` to reach a multiple of `alignment`. */
export function paddingFor(offset: number, alignment: number): number {
  return (alignment - (offset % alignment)) % alignment;
}
