/**
 * Write a GGUF v3 file atomically and streaming: the head (metadata, tensor infos) is encoded first, then each
 * tensor is resolved, encoded and written in turn, so at most one tensor's floats plus a small encoding
 * buffer are in memory besides what the caller holds. The file appears under its final name only complete:
 * it is written to a temporary sibling, fsynced, then renamed (a crash leaves the old file or none).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import { paddingFor } from './byte-sink.js';
import { encodeFloat16 } from './float16.js';
import { elementCount, layoutGgufFile, type GgufTensorPlacement } from './gguf-layout.js';
import type { GgufFileDescription, GgufTensorData } from './gguf-types.js';

/** Elements converted per write for F16: bounds the encoding buffer (128 KiB). */
const float16ChunkElements = 64 * 1024;

export interface GgufWriteResult {
  readonly path: string;
  readonly byteLength: number;
  /** File offset of the data section; tensor i starts at dataOffset + placements[i].offset. */
  readonly dataOffset: number;
}

export async function writeGgufFile(path: string, description: GgufFileDescription): Promise<GgufWriteResult> {
  if (endianness() !== 'LE') {
    // Float32Array views are written as they lie in memory; GGUF files here are little-endian.
    throw new MaftError('INTERNAL', 'writing GGUF files needs a little-endian machine');
  }
  const layout = layoutGgufFile(description);
  const temporaryPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temporaryPath, 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new MaftError('FILE_NOT_FOUND', `cannot write ${path}: its directory does not exist`, { file: path });
  });
  let closed = false;
  try {
    await writeFully(file, layout.head);
    for (const placement of layout.placements) {
      await writeTensor(file, placement, layout.alignment);
    }
    await file.sync();
    await file.close();
    closed = true;
    await rename(temporaryPath, path);
  } catch (error) {
    if (!closed) await file.close().catch(() => undefined);
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
  return { path, byteLength: layout.fileByteLength, dataOffset: layout.head.length };
}

async function writeTensor(file: FileHandle, placement: GgufTensorPlacement, alignment: number): Promise<void> {
  const { tensor, byteLength } = placement;
  const data: GgufTensorData = typeof tensor.data === 'function' ? await tensor.data() : tensor.data;
  if (data instanceof Float32Array) {
    if (data.length !== elementCount(tensor)) {
      throw new MaftError(
        'INPUT_INVALID',
        `tensor ${tensor.name}: ${data.length} floats for shape [${tensor.shape.join(', ')}]`,
      );
    }
    if (tensor.type === 'F32') {
      await writeFully(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } else if (tensor.type === 'F16') {
      await writeFloat16(file, data);
    } else {
      throw new MaftError('INPUT_INVALID', `tensor ${tensor.name}: ${tensor.type} must be given as encoded bytes`);
    }
  } else {
    if (data.length !== byteLength) {
      throw new MaftError(
        'INPUT_INVALID',
        `tensor ${tensor.name}: ${data.length} bytes, ${tensor.type} needs ${byteLength}`,
      );
    }
    await writeFully(file, data);
  }
  const padding = paddingFor(byteLength, alignment);
  if (padding > 0) await writeFully(file, new Uint8Array(padding));
}

async function writeFloat16(file: FileHandle, data: Float32Array): Promise<void> {
  const chunk = new Uint16Array(Math.min(float16ChunkElements, data.length));
  for (let start = 0; start < data.length; start += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, data.length - start));
    encodeFloat16(data, start, part);
    await writeFully(file, new Uint8Array(part.buffer, 0, part.byteLength));
  }
}

/** FileHandle.write may write less than asked; loop until every byte is down (appending at the position). */
async function writeFully(file: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const result = await file.write(bytes, written, bytes.length - written);
    written += result.bytesWritten;
  }
}

/** Persist the rename itself; best effort, since some file systems refuse to fsync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file is complete either way; only its durability across a power loss is at stake.
  }
}
