/**
 * A base model made in two stages (`maft base-model --init stage-1.gguf --init-report stage-1.json …`): its card
 * shows both stages and the two commands that remake it, the first rebuilt from the shipped first stage's report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEarlierStageReport } from '../../../src/tools/base-model/earlier-stage-report.js';
import type { BaseModelReport } from '../../../src/tools/base-model/make-arithmetic-base.js';
import { renderModelCard, stageCommand } from '../../../src/tools/base-model/model-card.js';
import { temporaryDirectory } from '../../run-store/temporary-directory.js';

const models = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const scratch = temporaryDirectory('card-stages');

/** The shipped model's first stage's report (models/arithmetic-base-stage-1.json; it predates recorded critic styles: `weighed`). */
const firstStage = (): Record<string, unknown> => ({
  ...(JSON.parse(readFileSync(path.join(models, 'arithmetic-base-stage-1.json'), 'utf8')) as Record<string, unknown>),
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
    const card = renderModelCard(later, laterCommand, {
      report: earlier,
      command: stageCommand(earlier, 'stage-1.gguf'),
    });
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

  it('refuses a report that is not a first stage, or not a report, in one line naming the field', () => {
    const continued = path.join(scratch, 'continued.json');
    writeFileSync(continued, JSON.stringify({ ...firstStage(), init: 'models/other.gguf' }));
    expect(() => readEarlierStageReport(continued)).toThrow(/continued another model/);
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
