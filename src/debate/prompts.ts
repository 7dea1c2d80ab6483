import type { AnswerType } from '../spec/problem.js';

/**
 * The prompts of a debate, in maft's own words with the content of the paper's (docs/method.md, "Prompts"):
 * round 1 asks for a solution that ends in `\boxed{}`; later rounds show the other agents' answers (or a
 * summary of them) as additional advice and ask for an updated answer; the summariser is asked to summarise
 * the different opinions and each one's reasoning; a lone agent (N = 1) is asked to re-check its answer.
 * Placeholders: `{question}`, `{responses}`, `{response}`, `{summary}`; nothing else in a template is special,
 * so questions full of LaTeX braces pass through untouched.
 */
export interface PromptTemplates {
  /** Round 1, sent to the generator. Placeholders: {question}. */
  question: string;
  /** Rounds ≥ 2 without summary. Placeholders: {responses} (each from `otherResponse`), {question}. */
  debate: string;
  /** One other agent's answer inside {responses}. Placeholders: {response}. */
  otherResponse: string;
  /** Rounds ≥ 2 with summary. Placeholders: {summary}, {question}. */
  debateWithSummary: string;
  /** The summariser's single message. Placeholders: {responses} (each from `otherResponse`), {question}. */
  summarize: string;
  /** Rounds ≥ 2 when the agent is alone (N = 1). Placeholders: {question}. */
  selfCheck: string;
}

const boxedInstruction: Record<AnswerType, string> = {
  numeric: 'End your response with the final answer as a single number in the form \\boxed{answer}.',
  math: 'End your response with the final answer in the form \\boxed{answer}, in simplest form.',
  choice: 'End your response with the letter of the correct option in the form \\boxed{X}.',
  exact: 'End your response with the final answer in the form \\boxed{answer}.',
};

/** maft's default templates for an answer type. */
export function defaultPromptTemplates(answerType: AnswerType): PromptTemplates {
  const box = boxedInstruction[answerType];
  return {
    question: `Solve the following problem. Explain your reasoning step by step, then summarise it in a few bullet points. ${box}\n\nProblem: {question}`,
    debate: `Here are the solutions other agents gave to the problem:\n\n{responses}\n\nUse their reasoning as additional advice and examine your own solution and theirs step by step. Give an updated answer to the problem. ${box}`,
    otherResponse: "One agent's solution:\n```\n{response}\n```",
    debateWithSummary: `Here is a summary of the solutions other agents gave to the problem:\n\n{summary}\n\nUse this summary carefully as additional advice and examine your own solution step by step. Give an updated answer to the problem. ${box}`,
    summarize:
      'Here are the solutions several agents gave to the problem "{question}":\n\n{responses}\n\nWrite a summary of the different opinions, explaining the reasoning behind each one and the final answer each one reached.',
    selfCheck: `Double-check your solution step by step and correct any mistake you find. ${box}`,
  };
}

export type PromptValues = Partial<Record<'question' | 'responses' | 'response' | 'summary', string>>;

/** Fill a template's placeholders in one pass (values are never themselves re-scanned for placeholders). */
export function renderPrompt(template: string, values: PromptValues): string {
  return template.replace(/\{(question|responses|response|summary)\}/g, (whole, name: keyof PromptValues) => {
    const value = values[name];
    return value === undefined ? whole : value;
  });
}

/** The others' answers as one block, each wrapped by `otherResponse`. */
export function renderOtherResponses(templates: PromptTemplates, responses: readonly string[]): string {
  return responses.map((response) => renderPrompt(templates.otherResponse, { response })).join('\n\n');
}
