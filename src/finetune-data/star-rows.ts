/**
 * STaR's training rows (Zelikman et al., 2022; docs/method.md "Baselines"), from its attempts: right first
 * answers and right hinted retries, each as the reply to the plain problem prompt (pure).
 */
import { isEquivalent } from '../grading/equivalence.js';
import type { StarRecord } from '../spec/debate.js';
import type { Problem } from '../spec/problem.js';
import type { TrainingRow } from './training-row.js';

/**
 * STaR's rows (pure): every right first answer, and every right hinted retry, as the reply to the plain
 * problem prompt. Answers cut by the token limit are left out (they would teach stopping mid-solution).
 */
export function buildStarRows(records: readonly StarRecord[], iteration: number): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (const record of [...records].sort((a, b) =>
    a.problemId < b.problemId ? -1 : a.problemId > b.problemId ? 1 : 0,
  )) {
    const agent = record.attempt.agents[0];
    const turn = agent?.turns[0];
    const prompt = agent?.conversation[0];
    if (turn === undefined || prompt === undefined) continue;
    const truth = record.attempt.groundTruth;
    const answerType = record.attempt.answerType as Problem['answerType'];
    const right = isEquivalent(turn.answer, truth, answerType, record.attempt.grading);
    const chosen = right
      ? { text: turn.response.text, answer: turn.answer, finish: turn.response.finishReason, kind: 'star' as const }
      : record.hinted?.correct
        ? {
            text: record.hinted.response.text,
            answer: record.hinted.answer,
            finish: record.hinted.response.finishReason,
            kind: 'star-rationalized' as const,
          }
        : undefined;
    if (chosen === undefined || chosen.finish === 'length' || chosen.text.trim() === '') continue;
    rows.push({
      prompt: [{ role: 'user', content: prompt.content }],
      completion: { role: 'assistant', content: chosen.text },
      metadata: {
        agent: 0,
        role: 'generator',
        iteration,
        problemId: record.problemId,
        sourceRound: 1,
        kind: chosen.kind,
        answer: chosen.answer as string,
        majority: truth,
      },
    });
  }
  return rows;
}
