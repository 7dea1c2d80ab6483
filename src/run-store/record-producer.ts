/**
 * What identifies the producer of a stage record, and the checks that keep a run's numbers coming only from
 * its own records. Every record a run writes (format 2, see manifest.ts) carries
 * `producer: {config, stage}` next to its `problemId`: the fingerprint of the run's stored config and the
 * stage that wrote it. A record copied in from another run, another stage or another config is refused with
 * the file and line, never counted. Pure.
 *
 * Runs created before stamps (no `recordFormat` in the manifest) keep working: their records carry no stamp,
 * and are checked by what they hold instead (a problem of the stage, no duplicate, no more than the stage's
 * problems). A stamp that is present is always checked.
 */
import { MaftError } from '../errors/maft-error.js';
import { canonicalHash } from './canonical-json.js';

export interface RecordProducer {
  /** The first 16 hex digits of sha256 over the run's stored config (canonical JSON). */
  config: string;
  /** The stage id that wrote the record (`base/eval`). */
  stage: string;
}

/** The record format a new run writes: 2 = every record stamped with its producer. */
export const currentRecordFormat = 2;

export function configFingerprint(config: unknown): string {
  return canonicalHash(config).slice(0, 16);
}

export interface RecordWhere {
  file: string;
  line: number;
}

/**
 * Check one parsed record line against the stage reading it: a JSON object whose `producer` equals `expected`
 * (required when `stamped`, the run's records being format 2). Its identity (`problemId`) is the log's key.
 */
export function checkRecordProducer(
  value: unknown,
  where: RecordWhere,
  expected: RecordProducer,
  stamped: boolean,
): void {
  const fail = (field: string, message: string) => {
    throw new MaftError('RUN_CORRUPT', `${message}; remove the line (or run maft run again to redo the problem)`, {
      ...where,
      field,
    });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('(record)', 'expected a JSON object');
  const record = value as { producer?: unknown };
  if (record.producer === undefined) {
    if (stamped)
      fail('producer', 'missing: this run stamps every record with its producer, so this line did not come from it');
    return;
  }
  const producer = record.producer as Partial<RecordProducer>;
  if (producer.config !== expected.config) {
    fail(
      'producer.config',
      `written under another config (${String(producer.config)}; this run's is ${expected.config})`,
    );
  }
  if (producer.stage !== expected.stage)
    fail('producer.stage', `written by stage ${String(producer.stage)}, not ${expected.stage}`);
}

/**
 * The records of one stage, checked as a whole (pure): no problem twice, none outside the stage's problems
 * (when known), no more than `total`. `lines` are the stage file's whole lines in order.
 */
export function checkStageRecords(
  lines: readonly { line: number; value: unknown }[],
  file: string,
  expect: { total: number; problems?: ReadonlyMap<string, string> },
): void {
  const seen = new Map<string, number>();
  for (const { line, value } of lines) {
    const record = value as { problemId: string };
    const first = seen.get(record.problemId);
    if (first !== undefined) {
      throw new MaftError(
        'RUN_CORRUPT',
        `duplicate problem ${JSON.stringify(record.problemId)} (first on line ${first}); remove the line`,
        { file, line, field: 'problemId' },
      );
    }
    seen.set(record.problemId, line);
    if (expect.problems !== undefined) checkRecordProblem(value, { file, line }, expect.problems);
    if (seen.size > expect.total) {
      throw new MaftError(
        'RUN_CORRUPT',
        `record ${seen.size} of a stage of ${expect.total} problems; remove the line`,
        { file, line },
      );
    }
  }
}

/** A record is one of the stage's problems (`problems`: id → question), with that problem's question. */
export function checkRecordProblem(value: unknown, where: RecordWhere, problems: ReadonlyMap<string, string>): void {
  const record = value as { problemId: string; question?: unknown; attempt?: { question?: unknown } };
  const question = problems.get(record.problemId);
  if (question === undefined) {
    throw new MaftError(
      'RUN_CORRUPT',
      `${JSON.stringify(record.problemId)} is not one of this stage's problems; remove the line`,
      { ...where, field: 'problemId' },
    );
  }
  const written = record.question ?? record.attempt?.question;
  if (written !== undefined && written !== question) {
    throw new MaftError(
      'RUN_CORRUPT',
      `the record's question is not this run's problem ${JSON.stringify(record.problemId)}; remove the line`,
      { ...where, field: 'question' },
    );
  }
}
