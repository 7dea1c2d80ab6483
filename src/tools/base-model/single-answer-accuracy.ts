import { createLlamaCppEngine } from '../../backends/llama-cpp/index.js';
import { defaultPromptTemplates, renderPrompt } from '../../debate/prompts.js';
import { gradeResponse } from '../../grading/grade-response.js';
import type { Problem } from '../../spec/problem.js';
import { deriveSeed } from '../../util/random.js';

export interface SingleAnswerAccuracy {
  problems: number;
  correct: number;
  parsable: number;
  accuracy: number;
  parsableRate: number;
  /** Generated tokens per second over the evaluation. */
  tokensPerSecond: number;
}

/**
 * The base method of the paper (one agent, one answer) on `problems`, with maft's round-1 prompt and sampling:
 * how strong a model is before any debate. Used for the base model's card.
 */
export async function measureSingleAnswerAccuracy(
  modelPath: string,
  problems: readonly Problem[],
  options: { threads: number; temperature: number; topP: number; maxTokens: number; seed: number },
): Promise<SingleAnswerAccuracy> {
  const engine = await createLlamaCppEngine({ threads: options.threads, logLevel: 'error' });
  try {
    const model = await engine.chatModel({ model: modelPath, contextSize: 1024 });
    const templates = defaultPromptTemplates('numeric');
    let correct = 0;
    let parsable = 0;
    let tokens = 0;
    const started = performance.now();
    for (const problem of problems) {
      const response = await model.complete({
        messages: [{ role: 'user', content: renderPrompt(templates.question, { question: problem.question }) }],
        temperature: options.temperature,
        topP: options.topP,
        maxTokens: options.maxTokens,
        seed: deriveSeed(options.seed, 'single-answer', problem.id),
      });
      tokens += response.usage.completionTokens;
      const grade = gradeResponse(response.text, problem.answer, problem.answerType);
      if (grade.extracted !== null) parsable++;
      if (grade.correct) correct++;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      problems: problems.length,
      correct,
      parsable,
      accuracy: correct / Math.max(1, problems.length),
      parsableRate: parsable / Math.max(1, problems.length),
      tokensPerSecond: tokens / seconds,
    };
  } finally {
    await engine.dispose();
  }
}
