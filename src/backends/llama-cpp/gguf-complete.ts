/**
 * Whether a GGUF file holds all its tensor data: a download or copy cut short keeps a valid header, so the
 * magic bytes alone pass it, and llama.cpp would fail late (after a run directory exists) or crash. The header
 * says where every tensor starts; with the byte size of its type, the file's length must reach the end of the
 * last one. Types whose size is not listed here are checked by their start only.
 */
import { stat } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';

/** ggml type id → [elements per block, bytes per block] (ggml.c's type traits, for the common types). */
const blockSizes: Record<number, readonly [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  30: [1, 2], // BF16
};

/** Throws INPUT_INVALID naming the file when its tensor data ends before the header says it does. */
export async function assertGgufComplete(filePath: string, role: string): Promise<void> {
  let end = 0;
  try {
    const info = await readGgufFileInfo(filePath, { readTensorInfo: true, logWarnings: false });
    for (const tensor of info.fullTensorInfo ?? []) {
      const start = Number(tensor.fileOffset);
      const block = blockSizes[tensor.ggmlType as number];
      const elements = tensor.dimensions.reduce<number>((product, size) => product * Number(size), 1);
      end = Math.max(end, block === undefined ? start + 1 : start + Math.ceil(elements / block[0]) * block[1]);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MaftError(
      'INPUT_INVALID',
      `${role} file has a damaged GGUF header (${reason}); is it truncated?`,
      { file: filePath },
      { cause: error },
    );
  }
  const { size } = await stat(filePath);
  if (size < end) {
    throw new MaftError(
      'INPUT_INVALID',
      `${role} file is truncated: ${size} bytes, its tensors need ${end}; download or copy it again`,
      { file: filePath },
    );
  }
}
