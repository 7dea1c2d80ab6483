import { open } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { MaftError } from '../errors/maft-error.js';
import { float16BitsToFloat32 } from './float16.js';
import { ggmlTypes, gguf, type GgufTensor } from './gguf-types.js';
import { readGgufMetadata } from './read-gguf-metadata.js';
import { writeGgufFile, type GgufWriteResult } from './write-gguf.js';

/**
 * Rewrite an F16/F32 GGUF model with every tensor in F32 (exact: each F16 value is an F32 value). maft ships its
 * base model in F32 so that llama.cpp's inference and maft's trainer compute with the same weights in the same
 * precision (F16 matrix products differ between the two by ~2e-3; F32 ones agree to ~1e-6).
 */
export async function convertModelToF32(input: string, output: string): Promise<GgufWriteResult> {
  const info = await readGgufFileInfo(input, { logWarnings: false });
  if (info.infoEndOffset === undefined)
    throw new MaftError('INPUT_INVALID', 'the GGUF tensor info could not be read', { file: input });
  const metadata = await readGgufMetadata(input, info.infoEndOffset);
  metadata['general.file_type'] = gguf.uint32(0); // LLAMA_FTYPE_ALL_F32
  const handle = await open(input, 'r');
  try {
    const tensors: GgufTensor[] = (info.tensorInfo ?? []).map((tensor) => {
      const count = tensor.dimensions.reduce((product: number, size) => product * Number(size), 1);
      const isF16 = tensor.ggmlType === ggmlTypes.F16.id;
      if (!isF16 && tensor.ggmlType !== ggmlTypes.F32.id) {
        throw new MaftError('INPUT_INVALID', `tensor ${tensor.name}: only F16 and F32 tensors can be converted`, {
          file: input,
        });
      }
      return {
        name: tensor.name,
        shape: tensor.dimensions.map(Number),
        type: 'F32',
        data: async () => {
          const bytes = Buffer.alloc(count * (isF16 ? 2 : 4));
          await handle.read(bytes, 0, bytes.length, Number(tensor.fileOffset));
          const values = new Float32Array(count);
          for (let index = 0; index < count; index++)
            values[index] = isF16 ? float16BitsToFloat32(bytes.readUInt16LE(index * 2)) : bytes.readFloatLE(index * 4);
          return values;
        },
      };
    });
    return await writeGgufFile(output, { metadata, tensors });
  } finally {
    await handle.close();
  }
}
