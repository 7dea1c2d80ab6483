/**
 * A base-model report names the file it describes (`sha256` of the GGUF's bytes), and a later stage's
 * `--init-report` must describe its `--init` file: another file's report is refused in one line (exit 2, nothing
 * written), a report made before sha256 was recorded is accepted with a warning. The shipped report's sha256 is
 * the shipped model's. Small files stand in for models: the check reads bytes, not weights.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MaftError } from '../../../src/errors/maft-error.js';
import {
  checkReportDescribesModel,
  readEarlierStage,
  readEarlierStageReport,
} from '../../../src/tools/base-model/earlier-stage-report.js';
import { runInProcess } from '../../helpers/run-in-process.js';
import { temporaryDirectory } from '../../run-store/temporary-directory.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const models = path.resolve(here, '../../../models');
const scratch = temporaryDirectory('init-report');
const at = (name: string) => path.join(scratch, name);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const shippedReport = () =>
  JSON.parse(readFileSync(path.join(models, 'arithmetic-base.json'), 'utf8')) as Record<string, unknown>;

/** A first stage's report: the previous shipped model's (fixtures/previous-stage-1.json). */
const firstStageReport = () =>
  JSON.parse(readFileSync(path.join(here, 'fixtures', 'previous-stage-1.json'), 'utf8')) as Record<string, unknown>;

/** A stand-in model file and a first-stage report of it (the shipped first stage's fields, `sha256` as given). */
function modelAndReport(name: string, sha: (model: Buffer) => string | undefined) {
  const model = at(`${name}.gguf`);
  const bytes = Buffer.from(`GGUF stand-in ${name}\n`);
  writeFileSync(model, bytes);
  const report = at(`${name}.json`);
  const { sha256: _shipped, ...rest } = firstStageReport();
  const value = sha(bytes);
  writeFileSync(report, JSON.stringify({ ...rest, init: null, ...(value === undefined ? {} : { sha256: value }) }));
  return { model, report, bytes };
}

const thrown = (run: () => unknown): MaftError => {
  try {
    run();
  } catch (error) {
    if (error instanceof MaftError) return error;
    throw error;
  }
  throw new Error('expected a MaftError');
};

describe('a base-model report names its model', () => {
  it('the shipped report holds the shipped GGUF’s sha256 and size', () => {
    const bytes = readFileSync(path.join(models, 'arithmetic-base.gguf'));
    const report = shippedReport();
    expect(report['sha256']).toBe(sha256(bytes));
    expect(report['bytes']).toBe(bytes.length);
  });

  it('accepts a report whose sha256 is its --init file’s, without a warning', async () => {
    const { model, report } = modelAndReport('same', sha256);
    const checked = await readEarlierStage({ report, model });
    expect(checked.warning).toBeUndefined();
    expect(checked.report.sha256).toBe(sha256(readFileSync(model)));
  });

  it('refuses a report of another file in one line naming the report, the field and both hashes', async () => {
    const { model, report, bytes } = modelAndReport('other', (bytes) => sha256(Buffer.concat([bytes, bytes])));
    const error = await readEarlierStage({ report, model }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MaftError);
    const refusal = error as MaftError;
    expect(refusal.code).toBe('INPUT_INVALID');
    expect(refusal.exitCode).toBe(2);
    expect(refusal.location).toEqual({ file: report, field: 'sha256' });
    expect(refusal.toOneLine()).toBe(
      `${report}: sha256: describes a model with sha256 ${sha256(Buffer.concat([bytes, bytes]))}, but --init ${model} has sha256 ${sha256(bytes)}: give the report written with that file`,
    );
  });

  it('accepts a report made before sha256 was recorded, with a one-line warning', async () => {
    const { model, report } = modelAndReport('old', () => undefined);
    const checked = await readEarlierStage({ report, model });
    expect(checked.report.sha256).toBeUndefined();
    expect(checked.warning).toBe(
      `${report}: no sha256 (a report made before base-model reports recorded it), so it is not checked against --init ${model}`,
    );
    expect(checked.warning).not.toContain('\n');
  });

  it('refuses a sha256 that is not one, and a --init file that does not exist', async () => {
    const { model, report } = modelAndReport('malformed', () => 'not-a-hash');
    expect(thrown(() => readEarlierStageReport(report)).location).toEqual({ file: report, field: 'sha256' });
    const { report: good } = modelAndReport('absent', sha256);
    const missing = await readEarlierStage({ report: good, model: at('nowhere.gguf') }).then(
      () => undefined,
      (caught: unknown) => caught as MaftError,
    );
    expect(missing?.toOneLine()).toBe(`${at('nowhere.gguf')}: --init: no such model file`);
    expect(existsSync(model)).toBe(true);
  });

  it('checks the hash it is given: the pure check alone', () => {
    const report = readEarlierStageReport(modelAndReport('pure', sha256).report);
    const files = { report: 'r.json', model: 'm.gguf' };
    expect(checkReportDescribesModel(report, report.sha256!, files)).toBeUndefined();
    expect(thrown(() => checkReportDescribesModel(report, '0'.repeat(64), files)).code).toBe('INPUT_INVALID');
  });

  it('maft base-model refuses another file’s report before training: exit 2, one line, nothing written', async () => {
    const { model, report } = modelAndReport('cli', () => '0'.repeat(64));
    const out = at('never.gguf');
    const result = await runInProcess([
      'base-model',
      '--init',
      model,
      '--init-report',
      report,
      '--out',
      out,
      '--report',
      at('never.json'),
      '--card',
      at('never.md'),
    ]);
    expect(result.status).toBe(2);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^maft: error \[INPUT_INVALID\]: .*cli\.json: sha256: describes a model with sha256 0{64}/,
    );
    expect(result.stdout).toBe('');
    for (const file of [out, at('never.json'), at('never.md')]) expect(existsSync(file)).toBe(false);
  });
});
