/**
 * The STaR baseline's attempts (Zelikman et al., 2022; docs/method.md "Baselines"): the model answers each finetune problem
 * once; a wrong answer is retried with the true answer as a hint (rationalisation); the model is then
 * finetuned on its correct answers and on the retries that came out right — each trained as the answer to
 * the plain problem prompt, without the hint. It uses the ground truth, which no other method does.
 */
import { debateProblem, type DebateAgent, type DebateSettings } from './debate-problem.js';
import { renderPrompt } from './prompts.js';
import { extractAnswer } from '../grading/extract-answer.js';
import { isEquivalent } from '../grading/equivalence.js';
import type { ChatModel } from '../spec/chat-model.js';
import type { ModelCall, StarRecord } from '../spec/debate.js';
import type { Problem } from '../spec/problem.js';
import { deriveSeed } from '../util/random.js';

/** The hinted prompt: the problem prompt and the true answer. */
export function hintedPrompt(questionPrompt: string, answer: string): string {
  return `${questionPrompt}\n\nHint: the correct answer is ${answer}. Work out the steps that lead to it.`;
}

export type { StarRecord } from '../spec/debate.js';

export async function attemptStar(problem: Problem, model: ChatModel, settings: DebateSettings): Promise<StarRecord> {
  const agent: DebateAgent = { generator: model, critic: model };
  const attempt = await debateProblem(problem, [agent], { ...settings, rounds: 1 });
  const first = attempt.agents[0]?.turns[0];
  if (first === undefined || isEquivalent(first.answer, problem.answer, problem.answerType, settings.extraction.mode))
    return { problemId: problem.id, attempt };
  const prompt = hintedPrompt(
    renderPrompt(settings.templates.question, { question: problem.question }),
    problem.answer,
  );
  const seed = deriveSeed(settings.seed, 'star-hint', problem.id);
  const reply = await model.complete({ messages: [{ role: 'user', content: prompt }], ...settings.sampling, seed });
  const answer = extractAnswer(reply.text, problem.answerType, settings.extraction);
  const response: ModelCall = {
    text: reply.text,
    finishReason: reply.finishReason,
    usage: reply.usage,
    modelId: reply.modelId,
    seed,
    durationMs: reply.durationMs,
    ...(reply.thoughts !== undefined ? { thoughts: reply.thoughts } : {}),
  };
  return {
    problemId: problem.id,
    attempt,
    hinted: {
      prompt,
      response,
      answer,
      correct: isEquivalent(answer, problem.answer, problem.answerType, settings.extraction.mode),
    },
  };
}
