/**
 * The tiny `maft run` config of the pipeline tests, as YAML: the shipped base model at one thread and one context,
 * two problems per split, one iteration of multiagent FT, one short epoch per job. `change` replaces a top-level
 * line (by its key) or adds one, so each test shows only what it is about.
 */
import { shippedBaseModel } from '../../src/config/resolve-run-config.js';

export function tinyRunConfig(change: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    task: '{ name: arithmetic, options: { max: 9 } }',
    split: '{ finetuneCount: 2, evalCount: 2 }',
    methods: '[base, debate, multiagent-ft]',
    iterations: '1',
    sampling: '{ maxTokens: 160 }',
    // One context and one training job per stage: at most one worker per chain on the machine.
    backend: `{ kind: llama-cpp, model: ${JSON.stringify(shippedBaseModel)}, threads: 1, contexts: 1, contextSize: 1024 }`,
    problemConcurrency: '1',
    trainer: '{ epochs: 1, windowLength: 512, parallelJobs: 1 }',
    diversity: '{ problems: 0 }',
    reportSamples: '1',
    ...change,
  };
  return Object.entries(fields)
    .map(([key, value]) => `${key}: ${value}\n`)
    .join('');
}
