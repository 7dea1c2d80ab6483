/**
 * examples/paper/*.yaml as `maft run` reads them: each resolves (its 500 + 500 problems load, no rule broken);
 * core.yaml is the paper's protocol at the default run's settings; and every other config can `--reuse` core's
 * run: the same backend (the rule of src/config/reuse-rules.ts holds between them) and the same problems, run
 * seed and sampling, so its base-model requests are core's own (docs/reuse.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { embeddedDefaultConfig, resolveRunConfig, type ResolvedRun } from '../../src/config/resolve-run-config.js';
import { reuseProblems } from '../../src/config/reuse-rules.js';
import { readConfigFileResolved } from '../../src/config/validate-config.js';

const folder = path.resolve(import.meta.dirname, '..', '..', 'examples', 'paper');
const resolve = (name: string): Promise<ResolvedRun> =>
  resolveRunConfig(readConfigFileResolved(path.join(folder, name)), name);
const others = ['baselines.yaml', 'ablation-no-summary.yaml', 'ablation-no-critic.yaml'];

describe('examples/paper', () => {
  it("core.yaml: the paper's protocol (500/500, L = 3, N = 3, M = 2) at the default run's settings", async () => {
    const core = await resolve('core.yaml');
    const defaults = await resolveRunConfig(embeddedDefaultConfig(), 'default');
    expect(core.finetuneProblems).toHaveLength(500);
    expect(core.evalProblems).toHaveLength(500);
    expect(core.config).toMatchObject({
      iterations: 3,
      methods: ['base', 'majority', 'debate', 'multiagent-ft', 'single-agent-ft'],
      society: { agents: 3, rounds: 2, summarize: true },
      finetune: { critics: true },
    });
    expect(core.config.task).toEqual(defaults.config.task);
    expect(core.config.sampling).toEqual(defaults.config.sampling);
    expect(core.config.backend).toEqual(defaults.config.backend);
    expect(core.config.trainer).toEqual(defaults.config.trainer);
    expect(core.config.seed).toBe(defaults.config.seed);
  });

  it.each(others)('%s can reuse core.yaml’s run: same backend, problems, seed and sampling', async (name) => {
    const [core, other] = await Promise.all([resolve('core.yaml'), resolve(name)]);
    const print = [{ file: core.config.backend.model, sha256: 'same', bytes: 1, mtimeMs: 1 }];
    expect(
      reuseProblems(
        { config: core.config, fingerprints: print },
        { config: other.config, fingerprints: print },
        'core',
      ),
    ).toEqual([]);
    expect(other.finetuneProblems).toEqual(core.finetuneProblems);
    expect(other.evalProblems).toEqual(core.evalProblems);
    expect([other.config.seed, other.config.sampling, other.config.iterations]).toEqual([
      core.config.seed,
      core.config.sampling,
      core.config.iterations,
    ]);
  });

  it('the ablations change one thing each, and the baselines are the methods core.yaml leaves out', async () => {
    const [core, baselines, noSummary, noCritic] = await Promise.all(
      ['core.yaml', ...others].map((name) => resolve(name)),
    );
    expect(baselines!.config.methods).toEqual([
      'base',
      'majority',
      'debate',
      'majority-ft',
      'single-agent-ft-nodebate',
      'star',
    ]);
    expect(noSummary!.config.society).toEqual({ ...core!.config.society, summarize: false });
    expect(noSummary!.config.finetune).toEqual(core!.config.finetune);
    expect(noCritic!.config.finetune).toEqual({ ...core!.config.finetune, critics: false });
    expect(noCritic!.config.society).toEqual(core!.config.society);
  });

  it('core-lr-2e-4.yaml is core.yaml with the embedded trainer at learning rate 2e-4, nothing else changed', async () => {
    const [core, lower] = await Promise.all([resolve('core.yaml'), resolve('core-lr-2e-4.yaml')]);
    expect(core.config.trainer).toMatchObject({ kind: 'embedded', learningRate: 1e-3 });
    expect(lower.config).toEqual({ ...core.config, trainer: { ...core.config.trainer, learningRate: 2e-4 } });
    expect(lower.finetuneProblems).toEqual(core.finetuneProblems);
    expect(lower.evalProblems).toEqual(core.evalProblems);
  });

  it('weak-model.yaml is core.yaml on the shipped model’s fourth stage, made by the first four commands of its card', () => {
    const read = (file: string) => parse(readFileSync(path.join(folder, file), 'utf8')) as { backend: object };
    const [core, weak] = [read('core.yaml'), read('weak-model.yaml')];
    expect(weak).toEqual({ ...core, backend: { ...core.backend, model: '../../runs/weak/s3.gguf' } });
    const commands = (text: string) => text.split('\n').flatMap((line) => /npx maft base-model .*/.exec(line) ?? []);
    const header = commands(readFileSync(path.join(folder, 'weak-model.yaml'), 'utf8'));
    const card = commands(readFileSync(path.join(folder, '..', '..', 'models', 'arithmetic-base.md'), 'utf8'));
    expect(header).toHaveLength(4);
    expect(header.at(-1)).toContain('--out runs/weak/s3.gguf');
    expect(card.slice(0, 4)).toEqual(header);
  });
});
