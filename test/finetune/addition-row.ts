import type { TrainingRow } from '../../src/finetune-data/training-row.js';

/** A generator training row teaching `a+b` (the tiny-model training tests' data), for `agent`'s iteration-1 model. */
export const additionRow = (a: number, b: number, agent = 0): TrainingRow => ({
  prompt: [{ role: 'user', content: `What is ${a}+${b}? Put the answer in \\boxed{}.` }],
  completion: { role: 'assistant', content: `${a}+${b} = ${a + b}, so the answer is \\boxed{${a + b}}.` },
  metadata: {
    agent,
    role: 'generator',
    iteration: 1,
    problemId: `p${a}-${b}`,
    sourceRound: 1,
    kind: 'generator',
    answer: String(a + b),
    majority: String(a + b),
  },
});
