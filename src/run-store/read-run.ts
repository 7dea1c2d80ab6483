/**
 * Reading a run without opening it for writing: no lock taken, nothing repaired, so `maft eval`, `maft status`
 * and reports can look at a run while another process is still writing it. A torn last line (a record being
 * written right now, or a crash) is left out of what is read.
 */
import fs from 'node:fs';
import { MaftError } from '../errors/maft-error.js';
import { readJsonIfExists } from './atomic-file.js';
import { scanJsonl } from './jsonl-scan.js';
import { runLayout, stageRecordsFile, type RunLayout } from './layout.js';
import { parseManifest, type RunManifest } from './manifest.js';

export interface RunReader {
  layout: RunLayout;
  config: unknown;
  manifest: RunManifest;
  /** The whole records of a stage, in file order; [] when the stage has none yet. */
  records<T>(stage: string): T[];
}

export function readRun(directory: string): RunReader {
  const layout = runLayout(directory);
  if (!fs.existsSync(directory)) throw new MaftError('FILE_NOT_FOUND', 'no such run directory', { file: directory });
  const config = readJsonIfExists(layout.config);
  const manifest = readJsonIfExists(layout.manifest);
  if (config === undefined || manifest === undefined) {
    throw new MaftError('INPUT_INVALID', 'not a maft run directory (no config.json or manifest.json)', { file: directory });
  }
  return {
    layout,
    config,
    manifest: parseManifest(manifest, layout.manifest),
    records: <T>(stage: string): T[] => {
      const file = stageRecordsFile(layout, stage);
      if (!fs.existsSync(file)) return [];
      return scanJsonl(fs.readFileSync(file), file).lines.map((line) => line.value as T);
    },
  };
}
