/**
 * The identity of a model file: sha256 of its bytes. A path says where a model is, not which one it is (the
 * shipped model is retrained in place), so a run records the hash of the base model its replies came from,
 * and another run may reuse those replies only when its own base model hashes the same (docs/reuse.md).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface FileFingerprint {
  /** The file as configured (absolute). */
  file: string;
  /** sha256 of its bytes, hex. */
  sha256: string;
  bytes: number;
  /** Modification time when hashed: an unchanged size and time reuse the hash instead of reading the file again. */
  mtimeMs: number;
}

/**
 * Hash `file`, unless `known` holds a fingerprint of it with the same size and modification time (a large GGUF
 * takes seconds to hash; a run opened again on the same file should not pay that every time).
 */
export async function fingerprintFile(file: string, known: readonly FileFingerprint[] = []): Promise<FileFingerprint> {
  const stat = fs.statSync(file);
  const same = known.find(
    (entry) => entry.file === file && entry.bytes === stat.size && entry.mtimeMs === stat.mtimeMs,
  );
  if (same !== undefined) return same;
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return { file, sha256: hash.digest('hex'), bytes: stat.size, mtimeMs: stat.mtimeMs };
}
