/**
 * A base model made in stages (`maft base-model --init stage-1.gguf --init-report stage-1.json …`): its card
 * shows every stage and the commands that remake it, each rebuilt from its report. The fixtures are the reports of
 * the base model shipped before the current one (sha256 85dacf0c…, two stages, recorded before chains were).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEarlierStageReport, readEarlierStages } from '../../../src/tools/base-model/earlier-stage-report.js';
import type { BaseModelReport } from '../../../src/tools/base-model/make-arithmetic-base.js';
import { renderModelCard, stageCommand, stageCommands } from '../../../src/tools/base-model/model-card.js';
import { temporaryDirectory } from '../../run-store/temporary-directory.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const models = path.resolve(here, '../../../models');
const fixtures = path.join(here, 'fixtures');
const scratch = temporaryDirectory('card-stages');

/** The previous shipped model's first stage's report (fixtures/previous-stage-1.json; it predates recorded critic styles: `weighed`). */
const firstStage = (): Record<string, unknown> => ({
  ...(JSON.parse(readFileSync(path.join(fixtures, 'previous-stage-1.json'), 'utf8')) as Record<string, unknown>),
  init: null,
});

describe('a two-stage base model card', () => {
  it('rebuilds the first stage command from its report, with every flag that changes the file', () => {
    const file = path.join(scratch, 'first.json');
    writeFileSync(file, JSON.stringify(firstStage()));
    const report = readEarlierStageReport(file);
    expect(stageCommand(report, 'stage-1.gguf')).toBe(
      'npx maft base-model --out stage-1.gguf --examples 22000 --window 800 --windows-per-step 2 --learning-rate 0.001 --max 9 --critic weighed --mix 0.6,0.08,0.22,0.1 --seed 1 --threads 1 --report stage-1.json',
    );
  });

  it('shows both stages and both commands, first stage first', () => {
    const file = path.join(scratch, 'first.json');
    writeFileSync(file, JSON.stringify(firstStage()));
    const earlier = readEarlierStageReport(file);
    const later = {
      ...(firstStage() as unknown as BaseModelReport),
      examples: 12000,
      critic: 'careful',
      kindShares: [0.3, 0.1, 0.45, 0.15],
    } as BaseModelReport;
    const laterCommand = 'npx maft base-model --init stage-1.gguf --init-report stage-1.json --critic careful';
    const card = renderModelCard(later, laterCommand, [
      { report: earlier, command: stageCommand(earlier, 'stage-1.gguf') },
    ]);
    expect(card).toContain(
      '| earlier stage | the model this one continues: full-parameter from scratch, 22000 synthetic',
    );
    expect(card).toContain('12000 synthetic conversations');
    expect(card).toContain('continuing the earlier stage');
    const reproduce = card.slice(card.indexOf('```sh'));
    expect(reproduce.indexOf('--out stage-1.gguf')).toBeGreaterThan(0);
    expect(reproduce.indexOf(laterCommand)).toBeGreaterThan(reproduce.indexOf('--out stage-1.gguf'));
    expect(renderModelCard(later, laterCommand)).not.toContain('earlier stage');
  });

  it('refuses a report that is not a first stage and records no chain, or not a report, in one line naming the field', () => {
    const continued = path.join(scratch, 'continued.json');
    writeFileSync(continued, JSON.stringify({ ...firstStage(), init: 'models/other.gguf', firstExample: 22000 }));
    expect(() => readEarlierStageReport(continued)).toThrow(/continued another model and records no stage before it/);
    const partial = path.join(scratch, 'partial.json');
    writeFileSync(partial, JSON.stringify({ ...firstStage(), windowLength: undefined }));
    expect(() => readEarlierStageReport(partial)).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ field: 'windowLength' }) }),
    );
    const broken = path.join(scratch, 'broken.json');
    writeFileSync(broken, '{"examples": 2');
    expect(() => readEarlierStageReport(broken)).toThrow(/not a readable JSON report/);
  });
});

/** A stage that continued `init` from conversation `firstExample`: the first stage's fields, some changed. */
const continuedStage = (init: string, firstExample: number, examples: number): Record<string, unknown> => ({
  ...firstStage(),
  init,
  firstExample,
  examples,
  learningRate: 0.0005,
  critic: 'columns',
  sha256: undefined,
});

describe('a base model made in more than two stages', () => {
  const s0 = { ...firstStage(), examples: 10000, critic: 'columns' };
  const s1 = continuedStage('runs/s0.gguf', 10000, 3000);
  const s2 = { ...continuedStage('runs/s1.gguf', 13000, 3000), earlierStages: [s0, s1] };

  it('reads a continued stage’s report as the chain it records, first stage first', () => {
    const file = path.join(scratch, 's2.json');
    writeFileSync(file, JSON.stringify(s2));
    const chain = readEarlierStages(file);
    expect(chain.map((stage) => [stage.init ?? null, stage.firstExample ?? 0, stage.examples])).toEqual([
      [null, 0, 10000],
      ['runs/s0.gguf', 10000, 3000],
      ['runs/s1.gguf', 13000, 3000],
    ]);
    expect(readEarlierStageReport(file).init).toBe('runs/s1.gguf');
  });

  it('remakes the chain: each stage writes the file the next one continues, with --init-report', () => {
    const file = path.join(scratch, 's2-commands.json');
    writeFileSync(file, JSON.stringify(s2));
    const commands = stageCommands(readEarlierStages(file), 'runs/s2.gguf').map((stage) => stage.command);
    expect(commands).toEqual([
      'npx maft base-model --out runs/s0.gguf --examples 10000 --window 800 --windows-per-step 2 --learning-rate 0.001 --max 9 --critic columns --mix 0.6,0.08,0.22,0.1 --seed 1 --threads 1 --report runs/s0.json',
      'npx maft base-model --init runs/s0.gguf --init-report runs/s0.json --first-example 10000 --out runs/s1.gguf --examples 3000 --window 800 --windows-per-step 2 --learning-rate 0.0005 --max 9 --critic columns --mix 0.6,0.08,0.22,0.1 --seed 1 --threads 1 --report runs/s1.json',
      'npx maft base-model --init runs/s1.gguf --init-report runs/s1.json --first-example 13000 --out runs/s2.gguf --examples 3000 --window 800 --windows-per-step 2 --learning-rate 0.0005 --max 9 --critic columns --mix 0.6,0.08,0.22,0.1 --seed 1 --threads 1 --report runs/s2.json',
    ]);
  });

  it('shows every stage and every command on the card, in order', () => {
    const file = path.join(scratch, 's2-card.json');
    writeFileSync(file, JSON.stringify(s2));
    const earlier = stageCommands(readEarlierStages(file), 'runs/s2.gguf');
    const final = { ...(firstStage() as unknown as BaseModelReport), examples: 3000 } as BaseModelReport;
    const command = 'npx maft base-model --init runs/s2.gguf --init-report runs/s2.json --first-example 16000';
    const card = renderModelCard(final, command, earlier);
    expect(card).toContain('| stage 1 of 4 | full-parameter from scratch, 10000 synthetic conversations');
    expect(card).toContain('| stage 2 of 4 | continues stage 1, from conversation 10000, 3000 synthetic conversations');
    expect(card).toContain('| stage 3 of 4 | continues stage 2, from conversation 13000, 3000 synthetic conversations');
    expect(card).toContain('in one ordered pass, continuing stage 3,');
    const reproduce = card.slice(card.indexOf('```sh'));
    const at = [...earlier.map((stage) => stage.command), command].map((line) => reproduce.indexOf(`${line}\n`));
    expect(at.every((index) => index > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('renders the shipped card byte for byte from the shipped report read as a chain', () => {
    const report = path.join(models, 'arithmetic-base.json');
    const chain = readEarlierStages(report);
    const init = chain.at(-1)?.init ?? '';
    const shipped = JSON.parse(readFileSync(report, 'utf8')) as BaseModelReport;
    const card = readFileSync(path.join(models, 'arithmetic-base.md'), 'utf8');
    const command = card.split('\n').find((line) => line.startsWith(`npx maft base-model --init ${init} `)) ?? '';
    expect(command).toContain('--out models/arithmetic-base.gguf');
    expect(renderModelCard(shipped, command, stageCommands(chain.slice(0, -1), init))).toBe(card);
  });

  it('reads the shipped report as the six stages that made it, each continuing the file the one before wrote', () => {
    const chain = readEarlierStages(path.join(models, 'arithmetic-base.json'));
    expect(chain.map((stage) => [stage.init ?? null, stage.firstExample ?? 0, stage.examples])).toEqual([
      [null, 0, 10000],
      ['runs/weak/s0.gguf', 10000, 3000],
      ['runs/weak/s1.gguf', 13000, 3000],
      ['runs/weak/s2.gguf', 16000, 3000],
      ['runs/weak/s3.gguf', 19000, 3000],
      ['runs/weak/s4.gguf', 22000, 3000],
    ]);
    expect(chain.every((stage) => stage.critic === 'columns')).toBe(true);
  });

  it('names the one-stage field of an older report in its refusals', () => {
    const older = path.join(scratch, 'older.json');
    writeFileSync(older, JSON.stringify({ ...s2, earlierStages: undefined, earlierStage: s1 }));
    expect(() => readEarlierStages(older)).toThrow(
      expect.objectContaining({ location: { file: older, field: 'earlierStage.init' } }),
    );
  });

  it('reads the previous shipped report (one earlier stage, recorded before chains were) as a chain of two', () => {
    const chain = readEarlierStages(path.join(fixtures, 'previous-base.json'));
    expect(chain).toHaveLength(2);
    expect(chain[0]?.sha256).toBe(firstStage()['sha256']);
    expect(chain[1]).toMatchObject({ init: 'stage-1.gguf', firstExample: 30000, examples: 12000 });
  });

  it('refuses a chain that does not start from scratch, or a continued stage without its first example', () => {
    const unrooted = path.join(scratch, 'unrooted.json');
    writeFileSync(unrooted, JSON.stringify({ ...s2, earlierStages: [s1] }));
    expect(() => readEarlierStages(unrooted)).toThrow(
      expect.objectContaining({ location: { file: unrooted, field: 'earlierStages.0.init' } }),
    );
    const unplaced = path.join(scratch, 'unplaced.json');
    writeFileSync(unplaced, JSON.stringify({ ...s2, earlierStages: [s0, { ...s1, firstExample: undefined }] }));
    expect(() => readEarlierStages(unplaced)).toThrow(
      expect.objectContaining({ location: { file: unplaced, field: 'earlierStages.1.firstExample' } }),
    );
  });
});
