/**
 * `cache/base-model.json`: the fingerprints (sha256) of the base model file every session of the run answered
 * with, oldest first — one entry unless the file changed between sessions. It ties the request cache's
 * base-model replies to model bytes, not to a path, so another run can reuse them soundly (docs/reuse.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import type { FileFingerprint } from '../util/file-fingerprint.js';
import { readJsonIfExists, writeJsonAtomic } from './atomic-file.js';
import type { RunLayout } from './layout.js';

/** The fingerprints a run recorded, or undefined when it recorded none (made before maft kept them). */
export function readBaseModelRecord(layout: RunLayout): FileFingerprint[] | undefined {
  const value = readJsonIfExists(layout.baseModel) as { fingerprints?: unknown } | undefined;
  if (value === undefined) return undefined;
  const fingerprints = value.fingerprints;
  const valid =
    Array.isArray(fingerprints) &&
    fingerprints.every(
      (entry: Partial<FileFingerprint> | null) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof entry.file === 'string' &&
        typeof entry.sha256 === 'string' &&
        typeof entry.bytes === 'number' &&
        typeof entry.mtimeMs === 'number',
    );
  if (!valid)
    throw new MaftError('RUN_CORRUPT', 'fingerprints: expected a list of {file, sha256, bytes, mtimeMs}', {
      file: layout.baseModel,
    });
  return fingerprints as FileFingerprint[];
}

/**
 * Add this session's fingerprint (atomically) unless the last one recorded is the same file and bytes. Returns
 * the fingerprint recorded before, when the model's bytes changed since (the caller warns: cached replies came
 * from another model).
 */
export function recordBaseModel(layout: RunLayout, fingerprint: FileFingerprint): FileFingerprint | undefined {
  const recorded = readBaseModelRecord(layout) ?? [];
  const last = recorded[recorded.length - 1];
  if (
    last !== undefined &&
    last.sha256 === fingerprint.sha256 &&
    last.file === fingerprint.file &&
    last.bytes === fingerprint.bytes &&
    last.mtimeMs === fingerprint.mtimeMs
  )
    return undefined;
  fs.mkdirSync(path.dirname(layout.baseModel), { recursive: true });
  writeJsonAtomic(layout.baseModel, { fingerprints: [...recorded, fingerprint] });
  return last !== undefined && last.sha256 !== fingerprint.sha256 ? last : undefined;
}
