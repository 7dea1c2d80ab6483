/**
 * Reading a run without opening it for writing: no lock taken, nothing repaired, so `maft eval`, `maft status`
 * and reports can look at a run while another process is still writing it. A torn last line (a record being
 * written right now, or a crash) is left out of what is read — except in a stage marked done, where it means
 * the records no longer match the manifest: that is refused (`maft run` repairs it).
 *
 * Every record read is checked against the run (record-producer.ts): its producer stamp, no duplicate
 * problem, no more records than the stage has problems. Nothing is ever scored from records that do not
 * belong to the run.
 */
import fs from 'node:fs';
import { MaftError } from '../errors/maft-error.js';
import { readJsonIfExists } from './atomic-file.js';
import { scanJsonl } from './jsonl-scan.js';
import { runLayout, stageRecordsFile, type RunLayout } from './layout.js';
import { extendedConfig, parseManifest, stageStateOf, type RunManifest } from './manifest.js';
import { checkRecordProducer, checkStageRecords, configFingerprint } from './record-producer.js';

export interface StageExpectation {
  /** The stage's problem count: more records are refused, and a done stage must hold exactly this many. */
  total?: number;
  /** The stage's problems (id → question), when the reader knows them. */
  problems?: ReadonlyMap<string, string>;
  /**
   * Refuse a stage marked done whose records are torn or short (default true). A writer that repairs such a
   * stage (maft run and the stage commands reopen it) passes false to check only what cannot be repaired.
   */
  finished?: boolean;
}

export interface RunReader {
  layout: RunLayout;
  /** The run's config: config.json with the settings a resume raised (manifest `extensions`) applied. */
  config: unknown;
  manifest: RunManifest;
  /** The whole, checked records of a stage, in file order; [] when the stage has none yet. */
  records<T>(stage: string, expect?: StageExpectation): T[];
}

export function readRun(directory: string): RunReader {
  const layout = runLayout(directory);
  if (!fs.existsSync(directory)) throw new MaftError('FILE_NOT_FOUND', 'no such run directory', { file: directory });
  const config = readJsonIfExists(layout.config);
  const manifestValue = readJsonIfExists(layout.manifest);
  if (config === undefined || manifestValue === undefined) {
    throw new MaftError('INPUT_INVALID', 'not a maft run directory (no config.json or manifest.json)', {
      file: directory,
    });
  }
  const manifest = parseManifest(manifestValue, layout.manifest);
  const fingerprint = configFingerprint(config); // of config.json as created: extensions do not change it
  return {
    layout,
    config: extendedConfig(config, manifest),
    manifest,
    records: <T>(stage: string, expect: StageExpectation = {}): T[] => {
      const file = stageRecordsFile(layout, stage);
      const done = stageStateOf(manifest, stage) === 'done' && expect.finished !== false;
      if (!fs.existsSync(file)) {
        if (done && expect.total !== undefined && expect.total > 0) throw shortStage(file, stage, 0, expect.total);
        return [];
      }
      const scan = scanJsonl(fs.readFileSync(file), file);
      for (const line of scan.lines)
        checkRecordProducer(
          line.value,
          { file, line: line.line },
          { config: fingerprint, stage },
          manifest.recordFormat === 2,
        );
      checkStageRecords(scan.lines, file, {
        total: expect.total ?? Number.POSITIVE_INFINITY,
        ...(expect.problems ? { problems: expect.problems } : {}),
      });
      if (done && scan.torn !== undefined) {
        throw new MaftError(
          'RUN_CORRUPT',
          `torn last line (${scan.torn.reason}) in stage ${stage}, which is marked done; run maft run on this directory to redo the problem`,
          { file, line: scan.torn.line },
        );
      }
      if (done && expect.total !== undefined && scan.lines.length < expect.total)
        throw shortStage(file, stage, scan.lines.length, expect.total);
      return scan.lines.map((line) => line.value as T);
    },
  };
}

function shortStage(file: string, stage: string, count: number, total: number): MaftError {
  return new MaftError(
    'RUN_CORRUPT',
    `stage ${stage} is marked done with ${count} of its ${total} records; run maft run on this directory to redo the missing problems`,
    { file },
  );
}
