/**
 * Training rows and durable jobs for the hosted-trainer tests (OpenAI, Together): `count` problems `index+agent`,
 * each labelled with its right answer. A generator row is the question alone; a critic row carries a first answer
 * and the other agents' push-back, as a debate's round-2 context does.
 */
import type { DurableJob } from '../../src/finetune/durable-jobs.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';

export type RowRole = 'generator' | 'critic';

export function trainingRows(count: number, agent: number, role: RowRole, iteration = 1): TrainingRow[] {
  return Array.from({ length: count }, (_, index) => {
    const question = { role: 'user' as const, content: `What is ${index}+${agent}?` };
    return {
      prompt:
        role === 'generator'
          ? [question]
          : [
              question,
              { role: 'assistant' as const, content: `My first answer is ${index}.` },
              { role: 'user' as const, content: 'Other agents said otherwise. Update your answer.' },
            ],
      completion: { role: 'assistant' as const, content: `The answer is \\boxed{${index + agent}}.` },
      metadata: {
        agent,
        role,
        iteration,
        problemId: `p${index}`,
        sourceRound: role === 'generator' ? 1 : 2,
        kind: role === 'generator' ? 'generator' : 'critic-corrected',
        answer: String(index + agent),
        majority: String(index + agent),
      },
    };
  });
}

/** One multiagent-FT job for `agent`'s `role` at `iteration`, on `count` rows. */
export function trainingJob(agent: number, role: RowRole, count: number, iteration = 1): DurableJob {
  return { method: 'multiagent-ft', iteration, agent, role, rows: trainingRows(count, agent, role, iteration) };
}
