import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaftError } from '../../src/errors/maft-error.js';
import { float16BitsToFloat32 } from '../../src/gguf/float16.js';
import { gguf, type GgufFileDescription } from '../../src/gguf/gguf-types.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'maft-gguf-writer-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const ramp = (count: number, scale = 1): Float32Array =>
  Float32Array.from({ length: count }, (_, i) => (i - 7) * scale);

describe('writeGgufFile', () => {
  it('writes every metadata type so that node-llama-cpp reads it back', async () => {
    const file = path.join(directory, 'metadata.gguf');
    await writeGgufFile(file, {
      metadata: {
        'general.architecture': gguf.string('llama'),
        'test.u8': gguf.uint8(255),
        'test.i8': gguf.int8(-128),
        'test.u16': gguf.uint16(65535),
        'test.i16': gguf.int16(-32768),
        'test.u32': gguf.uint32(4294967295),
        'test.i32': gguf.int32(-2147483648),
        'test.f32': gguf.float32(0.5),
        'test.f64': gguf.float64(0.1),
        'test.bool': gguf.bool(true),
        'test.u64': gguf.uint64(2n ** 64n - 1n),
        'test.i64': gguf.int64(-5),
        'test.unicode': gguf.string('héllo ▁ → 🙂'),
        'test.strings': gguf.stringArray(['a', '', '<0xFF>']),
        'test.ints': gguf.int32Array(Int32Array.from([1, -2, 3])),
        'test.floats': gguf.float32Array([0.25, -1.5]),
        'test.empty': gguf.uint32Array([]),
      },
      tensors: [],
    });
    const info = await readGgufFileInfo(file, { logWarnings: false });
    expect(info.version).toBe(3);
    const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
    expect(test).toMatchObject({
      u8: 255,
      i8: -128,
      u16: 65535,
      i16: -32768,
      u32: 4294967295,
      i32: -2147483648,
      f32: 0.5,
      f64: 0.1,
      bool: true,
      unicode: 'héllo ▁ → 🙂',
      strings: ['a', '', '<0xFF>'],
      ints: [1, -2, 3],
      floats: [0.25, -1.5],
      empty: [],
    });
    expect(BigInt(test['u64'] as bigint)).toBe(2n ** 64n - 1n);
    expect(Number(test['i64'])).toBe(-5);
  });

  it('places F32 and F16 tensors at aligned offsets with their exact bytes', async () => {
    for (const alignment of [32, 64]) {
      const file = path.join(directory, `tensors-${alignment}.gguf`);
      const f32 = ramp(3 * 5);
      const f16 = ramp(7, 0.1);
      const written = await writeGgufFile(file, {
        metadata: { 'general.alignment': gguf.uint32(alignment) },
        tensors: [
          { name: 'a.weight', shape: [3, 5], type: 'F32', data: f32 },
          { name: 'b.weight', shape: [7], type: 'F16', data: () => f16 },
          { name: 'c.weight', shape: [2, 2, 2], type: 'F32', data: async () => ramp(8) },
        ],
      });
      const bytes = await readFile(file);
      expect(bytes.length).toBe(written.byteLength);
      const info = await readGgufFileInfo(file, { logWarnings: false });
      const [a, b, c] = info.tensorInfo ?? [];
      expect([a?.name, b?.name, c?.name]).toEqual(['a.weight', 'b.weight', 'c.weight']);
      expect(a?.dimensions.map(Number)).toEqual([3, 5]);
      expect([a?.ggmlType, b?.ggmlType]).toEqual([0, 1]);
      for (const tensor of [a, b, c]) {
        expect(Number(tensor?.offset) % alignment).toBe(0);
        expect(Number(tensor?.fileOffset)).toBe(written.dataOffset + Number(tensor?.offset));
      }
      expect(written.dataOffset % alignment).toBe(0);
      const slice = (offset: number | bigint | undefined, length: number): ArrayBuffer =>
        bytes.buffer.slice(bytes.byteOffset + Number(offset), bytes.byteOffset + Number(offset) + length);
      expect(Array.from(new Float32Array(slice(a?.fileOffset, 60)))).toEqual(Array.from(f32));
      const halfBits = new Uint16Array(slice(b?.fileOffset, 14));
      const halves = Array.from(halfBits, float16BitsToFloat32);
      halves.forEach((value, index) => expect(value).toBeCloseTo(f16[index] as number, 2));
    }
  });

  it('rejects invalid descriptions with a MaftError before creating the file', async () => {
    const file = path.join(directory, 'invalid.gguf');
    const cases: GgufFileDescription[] = [
      { metadata: { 'x.y': gguf.uint32(-1) }, tensors: [] },
      { metadata: { 'x.y': gguf.int32(1.5) }, tensors: [] },
      { metadata: { 'general.alignment': gguf.uint32(12) }, tensors: [] },
      { metadata: {}, tensors: [{ name: 't', shape: [0], type: 'F32', data: new Float32Array(0) }] },
      { metadata: {}, tensors: [{ name: 'x'.repeat(64), shape: [1], type: 'F32', data: new Float32Array(1) }] },
      { metadata: {}, tensors: [{ name: 'q', shape: [16], type: 'Q8_0', data: new Uint8Array(34) }] },
      {
        metadata: {},
        tensors: [
          { name: 't', shape: [1], type: 'F32', data: new Float32Array(1) },
          { name: 't', shape: [1], type: 'F32', data: new Float32Array(1) },
        ],
      },
    ];
    for (const description of cases) {
      await expect(writeGgufFile(file, description)).rejects.toBeInstanceOf(MaftError);
    }
    expect(await readdir(directory)).not.toContain('invalid.gguf');
    await expect(
      writeGgufFile(path.join(directory, 'missing', 'x.gguf'), { metadata: {}, tensors: [] }),
    ).rejects.toThrow(/directory does not exist/);
  });

  it('leaves the previous file untouched and no temporary file when writing fails midway', async () => {
    const file = path.join(directory, 'atomic.gguf');
    await writeFile(file, 'previous');
    const before = await readdir(directory);
    const failing: GgufFileDescription = {
      metadata: {},
      tensors: [
        { name: 'ok', shape: [4], type: 'F32', data: ramp(4) },
        { name: 'short', shape: [4], type: 'F32', data: () => ramp(3) },
      ],
    };
    await expect(writeGgufFile(file, failing)).rejects.toThrow(/short: 3 floats/);
    expect(await readFile(file, 'utf8')).toBe('previous');
    expect(await readdir(directory)).toEqual(before);

    await writeGgufFile(file, { metadata: {}, tensors: [{ name: 'ok', shape: [4], type: 'F32', data: ramp(4) }] });
    expect((await readFile(file)).subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(await readdir(directory)).toEqual(before);
  });
});
