/**
 * Where things live in a run directory. Everything the pipeline keeps is a file here, so a run can be
 * inspected with `cat` and `jq`, copied, and resumed:
 *
 *   <run>/config.json              the resolved config (no secrets), written once at creation
 *   <run>/manifest.json            maft and node versions, sessions, stage markers
 *   <run>/lock                     pid of the process writing the run (absent when none)
 *   <run>/records/<stage>.jsonl    append-only records per stage (`iteration-1/debate` → records/iteration-1/debate.jsonl)
 *   <run>/cache/requests.jsonl     the request cache
 *   <run>/cache/base-model.json    sha256 of the base model file the cached replies came from (base-model-record.ts)
 *   <run>/artifacts/<name>         whole files written atomically (exported datasets, model refs, reports)
 *
 * Pure: paths only.
 */
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';

export interface RunLayout {
  root: string;
  config: string;
  manifest: string;
  lock: string;
  records: string;
  requestCache: string;
  baseModel: string;
  artifacts: string;
}

export function runLayout(root: string): RunLayout {
  return {
    root,
    config: path.join(root, 'config.json'),
    manifest: path.join(root, 'manifest.json'),
    lock: path.join(root, 'lock'),
    records: path.join(root, 'records'),
    requestCache: path.join(root, 'cache', 'requests.jsonl'),
    baseModel: path.join(root, 'cache', 'base-model.json'),
    artifacts: path.join(root, 'artifacts'),
  };
}

/**
 * A stage or artifact name: `/`-separated segments of letters, digits, `.`, `_`, `-`, none starting with `.`,
 * so no name escapes the run directory or hides a file.
 */
const segmentPattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function checkName(name: string, what: string): void {
  if (!name.split('/').every((segment) => segmentPattern.test(segment))) {
    throw new MaftError(
      'INTERNAL',
      `invalid ${what} name ${JSON.stringify(name)} (use segments like iteration-1/debate)`,
    );
  }
}

/** The records file of a stage: `records/<stage>.jsonl`. */
export function stageRecordsFile(layout: RunLayout, stage: string): string {
  checkName(stage, 'stage');
  return path.join(layout.records, ...`${stage}.jsonl`.split('/'));
}

/** The file of an artifact: `artifacts/<name>` (the name carries its extension). */
export function artifactFile(layout: RunLayout, name: string): string {
  checkName(name, 'artifact');
  return path.join(layout.artifacts, ...name.split('/'));
}
