import { describe, expect, it } from 'vitest';
import { encodeSafetensors, parseSafetensors } from '../../src/adapters/safetensors.js';

/** A file built byte by byte as the format spec describes, independent of maft's writer. */
function handMade(header: object, data: number[]): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return new Uint8Array(Buffer.concat([length, json, Buffer.from(data)]));
}

describe('safetensors', () => {
  it('reads F32, F16 and BF16 tensors and the metadata', () => {
    const bytes = handMade(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [2], data_offsets: [8, 12] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [12, 14] },
      },
      // 1.5f, -2f | half 1.0 (0x3c00), half -0.5 (0xb800) | bf16 3.0 (0x4040)
      [0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0, 0x00, 0x3c, 0x00, 0xb8, 0x40, 0x40],
    );
    const file = parseSafetensors(bytes, 'x.safetensors');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensors.get('a')).toEqual({ shape: [1, 2], values: Float32Array.from([1.5, -2]) });
    expect([...(file.tensors.get('h')?.values ?? [])]).toEqual([1, -0.5]);
    expect([...(file.tensors.get('b')?.values ?? [])]).toEqual([3]);
  });

  it('writes what it reads, with an 8-byte aligned header', () => {
    const tensors = new Map([['w', { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]);
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    expect(Number(Buffer.from(bytes).readBigUInt64LE(0)) % 8).toBe(0);
    expect(parseSafetensors(bytes, 'w').tensors).toEqual(tensors);
  });

  it('refuses a dtype it cannot read and offsets outside the file, naming the tensor', () => {
    expect(() =>
      parseSafetensors(handMade({ q: { dtype: 'I8', shape: [1], data_offsets: [0, 1] } }, [1]), 'f'),
    ).toThrow(/I8 is not supported/);
    expect(() =>
      parseSafetensors(handMade({ q: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, [1, 2, 3, 4]), 'f'),
    ).toThrow(/do not hold 2 F32/);
  });
});
