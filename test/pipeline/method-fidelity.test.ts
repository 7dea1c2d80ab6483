/**
 * Loose ends of the method, each pinned by what the code does: the embedded defaults (one thread, the model's
 * own context, a window that fits it), the seeds of data debates across iterations, and zero-shot transfer
 * (held-out problems of another answer type, each graded by its own task's rules).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedDefaultConfig, resolveRunConfig } from '../../src/config/resolve-run-config.js';
import { loadPromptTemplates } from '../../src/debate/load-prompt-templates.js';
import { debateSeed, debateSettings, type RunContext } from '../../src/pipeline/run-context.js';
import { planRun } from '../../src/run-store/run-plan.js';
import type { ModelRegistry } from '../../src/finetune/model-registry.js';
import { methodSociety, startingAdapter } from '../../src/society/society-plan.js';
import { buildDebateMethodData } from '../../src/finetune-data/method-data.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';
import { describeStatus } from '../../src/status/describe-status.js';
import { formatStatus } from '../../src/status/format-status.js';
import { testDirectory } from '../run-store/temporary-directory.js';

describe('embedded defaults', () => {
  it("use one thread, the shipped model's training context (1024) and a window of that context", async () => {
    const { config } = await resolveRunConfig(embeddedDefaultConfig(), 'default');
    expect(config.backend).toMatchObject({ threads: 1, contextSize: 1024 });
    expect(config.trainer).toMatchObject({ kind: 'embedded', windowLength: 1024 });
  });
});

describe('debate seeds', () => {
  it("differ between the data debates of successive iterations, and are the run's own for every evaluation", () => {
    const seeds = [1, 2, 3, 4].map((iteration) => debateSeed(7, 'finetune', iteration));
    expect(new Set(seeds).size).toBe(4);
    expect(seeds[0]).toBe(7); // iteration 1's data debate is the base society's, on the run seed
    expect([0, 1, 2, 5].map((iteration) => debateSeed(7, 'eval', iteration))).toEqual([7, 7, 7, 7]);
  });
});

describe('zero-shot transfer', () => {
  it("accepts held-out problems of another answer type, answered and checked by their own task's rules", async () => {
    const directory = testDirectory('transfer');
    const held = path.join(directory, 'choice.jsonl');
    writeFileSync(
      held,
      ['A', 'B', 'C']
        .map(
          (letter, index) =>
            `${JSON.stringify({ question: `Pick ${letter} (${index}). A) x B) y C) z D) w`, answer: letter })}\n`,
        )
        .join(''),
    );
    const resolved = await resolveRunConfig(
      {
        task: { name: 'arithmetic', options: { max: 9 } },
        evalTask: { name: 'jsonl', options: { path: held, answerType: 'choice' } },
        split: { finetuneCount: 3, evalCount: 3 },
      },
      'transfer',
    );
    expect(resolved.task.answerType).toBe('numeric');
    expect(resolved.evalTask.answerType).toBe('choice');
    expect(resolved.evalProblems.map((problem) => problem.answerType)).toEqual(['choice', 'choice', 'choice']);
    const context = {
      config: resolved.config,
      task: resolved.task,
      evalTask: resolved.evalTask,
      templates: loadPromptTemplates('numeric'),
      evalTemplates: loadPromptTemplates('choice'),
    } as unknown as RunContext;
    expect(debateSettings(context, 2, 'eval').answerType).toBe('choice');
    expect(debateSettings(context, 2, 'eval').templates).toEqual(loadPromptTemplates('choice'));
    expect(debateSettings(context, 2, 'finetune', 1).answerType).toBe('numeric');
  });
});

describe('rows cut to fit the training window', () => {
  it("are shown by maft status from the train stage's record", () => {
    const plan = planRun({ methods: ['multiagent-ft'], iterations: 1 });
    const at = '2026-01-01T00:00:00.000Z';
    const status = describeStatus({
      plan,
      markers: {
        'multiagent-ft/iteration-1/train': {
          state: 'done',
          startedAt: at,
          finishedAt: at,
          details: { jobs: 6, truncatedRows: 3, droppedRows: 1 },
        },
      },
      recordCount: () => 0,
      problems: { finetune: 2, eval: 2 },
      owner: null,
      sideBySide: false,
    });
    expect(status.stages.find((stage) => stage.id === 'multiagent-ft/iteration-1/train')?.windowCuts).toEqual({
      truncatedRows: 3,
      droppedRows: 1,
    });
    expect(formatStatus(status, 'run', null)).toContain('3 rows cut, 1 left out to fit the window');
  });
});

describe('STaR', () => {
  it("runs its own number of iterations, beside the society's L", () => {
    const ids = planRun({ methods: ['multiagent-ft', 'star'], iterations: 1, star: { iterations: 3 } }).map(
      (stage) => stage.id,
    );
    expect(ids.filter((id) => id.startsWith('star/') && id.endsWith('/train'))).toEqual([
      'star/iteration-1/train',
      'star/iteration-2/train',
      'star/iteration-3/train',
    ]);
    expect(ids.filter((id) => id.startsWith('multiagent-ft/') && id.endsWith('/train'))).toEqual([
      'multiagent-ft/iteration-1/train',
    ]);
  });

  it('restarts from the base model every iteration, while the society continues from its previous models', () => {
    const entry = (method: 'star' | 'multiagent-ft', agent: number | null, role: 'single' | 'generator') => ({
      method,
      iteration: 1,
      agent,
      role,
      status: 'succeeded' as const,
      rows: 3,
      adapter: `models/${method}/iteration-1/x.gguf`,
      planFile: 'p',
      updatedAt: 't',
    });
    const registry = {
      version: 1,
      entries: [entry('star', null, 'single'), entry('multiagent-ft', 0, 'generator')],
    } as unknown as ModelRegistry;
    expect(
      startingAdapter({ method: 'star', iteration: 2, agent: null, role: 'single' }, 'previous', registry),
    ).toBeUndefined();
    expect(
      startingAdapter({ method: 'multiagent-ft', iteration: 2, agent: 0, role: 'generator' }, 'previous', registry),
    ).toBe('models/multiagent-ft/iteration-1/x.gguf');
    expect(
      startingAdapter({ method: 'multiagent-ft', iteration: 2, agent: 0, role: 'generator' }, 'base', registry),
    ).toBeUndefined();
  });
});

describe('single-agent FT without debate', () => {
  it('trains one model on single-agent answers (round 1, no debate) and uses it as every agent of the debate', () => {
    const settings = {
      iteration: 1,
      correctedShare: 2 / 3,
      criticMix: 'keep-corrected' as const,
      seed: 5,
      critics: true,
    };
    const data = buildDebateMethodData('single-agent-ft-nodebate', fiveDebates(), settings);
    expect(data.datasets.map((dataset) => [dataset.name, dataset.agent, dataset.role])).toEqual([
      ['single-agent-nodebate', null, 'single'],
    ]);
    expect(data.datasets[0]?.rows.every((row) => row.metadata.sourceRound === 1)).toBe(true);
    expect(data.datasets[0]?.rows).toEqual(
      buildDebateMethodData('majority-ft', fiveDebates(), settings).datasets[0]?.rows,
    );
    const registry = {
      version: 1,
      entries: [
        {
          method: 'single-agent-ft-nodebate',
          iteration: 1,
          agent: null,
          role: 'single',
          status: 'succeeded',
          rows: 3,
          adapter: 'a.gguf',
        },
      ],
    } as unknown as ModelRegistry;
    expect(methodSociety('single-agent-ft-nodebate', 1, registry, { agents: 3, rounds: 2, critics: true })).toEqual({
      rounds: 2,
      agents: [0, 1, 2].map(() => ({ generator: { adapter: 'a.gguf' }, critic: { adapter: 'a.gguf' } })),
    });
  });
});
