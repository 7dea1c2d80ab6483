/**
 * The STaR baseline (Zelikman et al., 2022; method.md "Baselines"): the model answers each finetune problem
 * once; a wrong answer is retried with the true answer as a hint (rationalisation); the model is then
 * finetuned on its correct answers and on the retries that came out right — each trained as the answer to
 * the plain problem prompt, without the hint. It uses the ground truth, which no other method does.
 */
import { debateProblem, type DebateAgent, type DebateSettings } from '../debate/debate-problem.js';
import { renderPrompt } from '../debate/prompts.js';
import { extractAnswer } from '../grading/extract-answer.js';
import { isEquivalent } from '../grading/equivalence.js';
import type { TrainingRow } from '../finetune-data/training-row.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { DebateTranscript, ModelCall } from '../spec/debate.js';
import type { Problem } from '../spec/problem.js';
import { deriveSeed } from '../util/random.js';

export interface StarRecord {
  problemId: string;
  /** The first answer: a one-agent, one-round debate (the seed a lone agent's round 1 uses). */
  attempt: DebateTranscript;
  /** The retry with the hint, when the first answer was wrong. */
  hinted?: { prompt: string; response: ModelCall; answer: string | null; correct: boolean };
}

/** The hinted prompt: the problem prompt and the true answer. */
export function hintedPrompt(questionPrompt: string, answer: string): string {
  return `${questionPrompt}\n\nHint: the correct answer is ${answer}. Work out the steps that lead to it.`;
}

export async function attemptStar(problem: Problem, model: ChatModel, settings: DebateSettings): Promise<StarRecord> {
  const agent: DebateAgent = { generator: model, critic: model };
  const attempt = await debateProblem(problem, [agent], { ...settings, rounds: 1 });
  const first = attempt.agents[0]?.turns[0];
  if (first === undefined || isEquivalent(first.answer, problem.answer, problem.answerType, settings.extraction.mode)) return { problemId: problem.id, attempt };
  const prompt = hintedPrompt(renderPrompt(settings.templates.question, { question: problem.question }), problem.answer);
  const seed = deriveSeed(settings.seed, 'star-hint', problem.id);
  const reply = await model.complete({ messages: [{ role: 'user', content: prompt }], ...settings.sampling, seed });
  const answer = extractAnswer(reply.text, problem.answerType, settings.extraction);
  const response: ModelCall = {
    text: reply.text, finishReason: reply.finishReason, usage: reply.usage, modelId: reply.modelId, seed, durationMs: reply.durationMs,
    ...(reply.thoughts !== undefined ? { thoughts: reply.thoughts } : {}),
  };
  return { problemId: problem.id, attempt, hinted: { prompt, response, answer, correct: isEquivalent(answer, problem.answer, problem.answerType, settings.extraction.mode) } };
}

/**
 * STaR's rows (pure): every right first answer, and every right hinted retry, as the reply to the plain
 * problem prompt. Answers cut by the token limit are left out (they would teach stopping mid-solution).
 */
export function buildStarRows(records: readonly StarRecord[], iteration: number): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (const record of [...records].sort((a, b) => (a.problemId < b.problemId ? -1 : a.problemId > b.problemId ? 1 : 0))) {
    const agent = record.attempt.agents[0];
    const turn = agent?.turns[0];
    const prompt = agent?.conversation[0];
    if (turn === undefined || prompt === undefined) continue;
    const truth = record.attempt.groundTruth;
    const answerType = record.attempt.answerType as Problem['answerType'];
    const right = isEquivalent(turn.answer, truth, answerType, record.attempt.grading);
    const chosen = right ? { text: turn.response.text, answer: turn.answer, finish: turn.response.finishReason, kind: 'star' as const }
      : record.hinted?.correct ? { text: record.hinted.response.text, answer: record.hinted.answer, finish: record.hinted.response.finishReason, kind: 'star-rationalized' as const }
      : undefined;
    if (chosen === undefined || chosen.finish === 'length' || chosen.text.trim() === '') continue;
    rows.push({
      prompt: [{ role: 'user', content: prompt.content }],
      completion: { role: 'assistant', content: chosen.text },
      metadata: { agent: 0, role: 'generator', iteration, problemId: record.problemId, sourceRound: 1, kind: chosen.kind, answer: chosen.answer as string, majority: truth },
    });
  }
  return rows;
}
