/**
 * `maft base-model` for real, three tiny stages (4 conversations each, 2 held-out problems): each continued stage
 * names the report of the one it continues, its report records the whole chain (every stage's sha256 is the file
 * that stage wrote), and the last stage's card shows all three stages and the commands that remake them, in order.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/run-in-process.js';
import { temporaryDirectory } from '../../run-store/temporary-directory.js';

const scratch = temporaryDirectory('three-stages');
const at = (name: string) => path.join(scratch, name);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const tiny = ['--examples', '4', '--eval', '2', '--critic', 'columns', '--threads', '1'];

describe('a base model made in three stages', () => {
  it('records the chain in each report and shows every stage on the last card', async () => {
    const stage = async (index: number, extra: string[]) => {
      const result = await runInProcess([
        'base-model',
        ...tiny,
        '--out',
        at(`s${index}.gguf`),
        '--report',
        at(`s${index}.json`),
        ...extra,
      ]);
      expect(result.status, result.stderr).toBe(0);
    };
    await stage(0, []);
    await stage(1, ['--init', at('s0.gguf'), '--init-report', at('s0.json'), '--first-example', '100']);
    await stage(2, [
      '--init',
      at('s1.gguf'),
      '--init-report',
      at('s1.json'),
      '--first-example',
      '200',
      '--card',
      at('s2.md'),
    ]);

    const report = JSON.parse(readFileSync(at('s2.json'), 'utf8')) as {
      sha256: string;
      earlierStages: { sha256: string; init: string | null; firstExample: number }[];
    };
    expect(report.sha256).toBe(sha256(at('s2.gguf')));
    expect(report.earlierStages.map((earlier) => [earlier.sha256, earlier.init, earlier.firstExample])).toEqual([
      [sha256(at('s0.gguf')), null, 0],
      [sha256(at('s1.gguf')), at('s0.gguf'), 100],
    ]);

    const card = readFileSync(at('s2.md'), 'utf8');
    expect(card).toContain('| stage 1 of 3 | full-parameter from scratch, 4 synthetic conversations');
    expect(card).toContain('| stage 2 of 3 | continues stage 1, from conversation 100, 4 synthetic conversations');
    expect(card).toContain('continuing stage 2,');
    const reproduce = card.slice(card.indexOf('```sh')).split('\n').slice(1, 4);
    expect(reproduce[0]?.startsWith(`npx maft base-model --out ${at('s0.gguf')} --examples 4 `)).toBe(true);
    const second = `npx maft base-model --init ${at('s0.gguf')} --init-report ${at('s0.json')} --first-example 100 --out ${at('s1.gguf')} `;
    expect(reproduce[1]?.startsWith(second)).toBe(true);
    expect(reproduce[2]).toContain(`--init ${at('s1.gguf')} --init-report ${at('s1.json')} --first-example 200`);
  });
});
