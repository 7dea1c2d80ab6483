import { defaultPromptTemplates, renderOtherResponses, renderPrompt } from '../../debate/prompts.js';
import type { ChatMessage } from '../../spec/chat-model.js';
import type { Operands } from '../../tasks/arithmetic.js';
import { arithmeticProblem } from '../../tasks/arithmetic.js';
import { createRandom, deriveSeed, type Random } from '../../util/random.js';
import {
  carefulSolution,
  columnSolution,
  correctSolution,
  lastStep,
  wrongSolution,
  wrongSubtraction,
  type WorkedSolution,
} from './arithmetic-solutions.js';

/**
 * Synthetic conversations that teach a model from scratch to take part in maft's default arithmetic debate,
 * in exactly the prompts maft sends (src/debate/prompts.ts): answering a problem (round 1), summarising other
 * agents' solutions (the summarizer), and giving an updated answer after a summary or after the others'
 * solutions themselves (rounds ≥ 2). Only the last assistant message of each conversation carries the loss.
 */
export interface CurriculumExample {
  kind: 'answer' | 'summary' | 'update-after-summary' | 'update-after-answers';
  /** The problem the conversation is about (`What is the result of …?`). */
  question: string;
  prompt: ChatMessage[];
  completion: ChatMessage;
}

export interface CurriculumOptions {
  /** Seed of the operands and of every choice. */
  seed: number;
  /** Smallest and largest operand (the paper: 0..29). */
  min: number;
  max: number;
  /** Share of the earlier answers shown in update examples that are wrong. Default 0.4. */
  wrongShare?: number;
  /**
   * Shares of the four kinds (answer, summary, update after a summary, update after the answers), summing to 1.
   * Default 0.45 / 0.2 / 0.25 / 0.1.
   */
  kindShares?: readonly [number, number, number, number];
  /** How a critic weighs the others' answers (criticStyles). Default `weighed`. */
  critic?: CriticStyle;
}

/**
 * How the curriculum's critic answers after seeing the others' answers:
 * - `weighed`: it keeps an answer another agent confirmed and otherwise works the problem again (weighedUpdate);
 * - `checks`: the same when confirmed; otherwise it checks every answer on the table with an addition (the step
 *   the model gets right) before it answers (checkedUpdate);
 * - `checks-always`: it checks every answer, a confirmed one too;
 * - `careful`: it keeps its answer only when both others agree with it, and otherwise (contradicted, a 2–1 split
 *   either way, all different) works the problem again with the last subtraction as a chain of two easy steps
 *   (carefulUpdate) — so a critic can overturn a wrong 2–1 majority, which `weighed` and `checks` cannot;
 * - `columns`: the `careful` rule, but the re-check works the last subtraction digit by digit, units then tens
 *   (columnSolution): every step a fact of a table of about a hundred, with its digits on the line before it.
 * With a style other than `weighed` the wrong solutions shown are mostly slips of the last subtraction, as the model's own are.
 * Measured (docs/RESULTS.md, "A checking critic", "A careful critic"): a `checks-always` model's checks were a coin
 * and its debate fell below its majority vote; `careful` second stages of 6 000–16 000 conversations learned to
 * re-check but got the chain right only 40–58% of the time, below their first answers, and no debate cleared its
 * majority by the rule set beforehand; a `careful` recipe from scratch (28 000 conversations) fell to 23% first
 * answers with 4% of its chains right. A `columns` second stage (12 000 conversations) got its re-checks right
 * 97.5% of the time and a debate 24 points above its majority ("The columns critic"): the shipped model's second
 * stage is `columns`, its first `weighed`. `checks` was never measured.
 */
export const criticStyles = ['weighed', 'checks', 'checks-always', 'careful', 'columns'] as const;
export type CriticStyle = (typeof criticStyles)[number];

const defaultKindShares = [0.45, 0.2, 0.25, 0.1] as const;

const templates = defaultPromptTemplates('numeric');

/** The `index`-th example of the seeded stream (each index is independent: streams can be resumed or split). */
export function curriculumExample(index: number, options: CurriculumOptions): CurriculumExample {
  const random = createRandom(deriveSeed(options.seed, 'curriculum', index));
  const operands = drawOperands(random, options);
  const problem = arithmeticProblem(operands).question;
  const question = renderPrompt(templates.question, { question: problem });
  const wrongShare = options.wrongShare ?? 0.4;
  const critic = options.critic ?? 'weighed';
  const wrong = (): WorkedSolution =>
    critic !== 'weighed' && random.next() < 0.7 ? wrongSubtraction(operands, random) : wrongSolution(operands, random);
  const someAnswer = (): WorkedSolution => (random.next() < wrongShare ? wrong() : correctSolution(operands));
  const right = correctSolution(operands);
  const [answerShare, summaryShare, updateShare] = options.kindShares ?? defaultKindShares;
  const roll = random.next();
  if (roll < answerShare) {
    return { kind: 'answer', question: problem, prompt: [user(question)], completion: assistant(right.text) };
  }
  const others = [someAnswer(), someAnswer()];
  const responses = renderOtherResponses(
    templates,
    others.map((other) => other.text),
  );
  if (roll < answerShare + summaryShare) {
    const content = renderPrompt(templates.summarize, { question: problem, responses });
    return { kind: 'summary', question: problem, prompt: [user(content)], completion: assistant(summarize(others)) };
  }
  const own = someAnswer();
  const history = [user(question), assistant(own.text)];
  const updated = assistant(
    critic === 'weighed'
      ? weighedUpdate(own, others, right)
      : critic === 'careful' || critic === 'columns'
        ? carefulUpdate(own, others, critic === 'careful' ? carefulSolution(operands) : columnSolution(operands))
        : checkedUpdate(own, others, right, lastStep(operands), critic === 'checks-always'),
  );
  if (roll < answerShare + summaryShare + updateShare) {
    const content = renderPrompt(templates.debateWithSummary, { summary: summarize(others) });
    return {
      kind: 'update-after-summary',
      question: problem,
      prompt: [...history, user(content)],
      completion: updated,
    };
  }
  const content = renderPrompt(templates.debate, { responses });
  return { kind: 'update-after-answers', question: problem, prompt: [...history, user(content)], completion: updated };
}

/**
 * A critic's updated answer, as the curriculum teaches it to weigh the others' answers against its own (the issue
 * "The laptop reproduces the paper's claim", item 1): one line that says what it compared, then a worked solution.
 * - **Confirmed** (another agent reached the same answer): it keeps its own solution, word for word.
 * - **Contradicted** (the others agree with each other on another answer) or **all different**: it says so and
 *   works the problem again — the right solution, which is word for word the solution of any agent that was right,
 *   so a critic that learned to carry an agreed answer over and one that learned to recompute both fit the data.
 * The comparison is written out because a small model compares two numbers it has just written far more reliably
 * than two numbers a long context apart.
 */
export function weighedUpdate(own: WorkedSolution, others: readonly WorkedSolution[], right: WorkedSolution): string {
  const answers = others.map((other) => other.answer);
  if (answers.includes(own.answer)) {
    return `Another agent also found ${own.answer}, so I keep my answer.\n${own.text}`;
  }
  const [first] = answers;
  if (first !== undefined && answers.every((answer) => answer === first)) {
    return `The other agents found ${first}, not my ${own.answer}, so I check my solution again.\n${right.text}`;
  }
  return `The answers differ (mine ${own.answer}, the others ${answers.join(' and ')}), so I check my solution again.\n${right.text}`;
}

/**
 * A `careful` critic's updated answer: its own solution word for word when both others found the same answer;
 * otherwise one line that says what differs, then the problem worked again with the last subtraction chained
 * (carefulSolution). Where `weighed` keeps an answer one other agent confirmed, this one re-works it whenever the
 * table is split: in a wrong 2–1 majority both wrong agents are confirmed, and only a re-check can overturn them.
 * The re-check helps the debate only if it is more often right than the first answer — measured, not assumed.
 */
export function carefulUpdate(own: WorkedSolution, others: readonly WorkedSolution[], careful: WorkedSolution): string {
  const answers = others.map((other) => other.answer);
  if (answers.every((answer) => answer === own.answer)) {
    return `The other agents also found ${own.answer}, so I keep my answer.\n${own.text}`;
  }
  const [first] = answers;
  if (first !== undefined && answers.every((answer) => answer === first)) {
    return `The other agents found ${first}, not my ${own.answer}, so I check my solution again.\n${careful.text}`;
  }
  return `The answers differ (mine ${own.answer}, the others ${answers.join(' and ')}), so I check my solution again.\n${careful.text}`;
}

/**
 * A critic's updated answer that checks the answers on the table (its own first, then the others' in order, each
 * once) by the addition that undoes the last subtraction `x - y`: an answer c ≥ 0 is right when c + y = x, an
 * answer c < 0 when |c| + x = y. A small model adds far more reliably than it subtracts (arithmetic-solutions.ts),
 * so checking an answer is easier than finding it — the asymmetry debate relies on. Then it gives the right worked
 * solution (word for word any right agent's). A confirmed answer is kept unchecked unless `checkConfirmed`.
 */
export function checkedUpdate(
  own: WorkedSolution,
  others: readonly WorkedSolution[],
  right: WorkedSolution,
  step: { minuend: number; subtrahend: number },
  checkConfirmed: boolean,
): string {
  const answers = others.map((other) => other.answer);
  const confirmed = answers.includes(own.answer);
  if (confirmed && !checkConfirmed) return `Another agent also found ${own.answer}, so I keep my answer.\n${own.text}`;
  const [first] = answers;
  const header = confirmed
    ? `Another agent also found ${own.answer}, so I check it with an addition.`
    : first !== undefined && answers.every((answer) => answer === first)
      ? `The other agents found ${first}, not my ${own.answer}, so I check each with an addition.`
      : `The answers differ (mine ${own.answer}, the others ${answers.join(' and ')}), so I check each with an addition.`;
  const candidates = [...new Set([own.answer, ...answers])];
  const checks = candidates.map((candidate) => checkLine(candidate, step));
  const conclusion = candidates.includes(right.answer)
    ? `So the answer is ${right.answer}.`
    : `None of them is right, so I work it again.`;
  return [header, ...checks, conclusion, right.text].join('\n');
}

/** One check: `Check 39: 39 + 8 = 47, so 47 - 8 = 39 is right.` or `Check 29: 29 + 8 = 37, not 47.` */
export function checkLine(
  candidate: number,
  { minuend: x, subtrahend: y }: { minuend: number; subtrahend: number },
): string {
  const right = `so ${x} - ${y} = ${candidate} is right.`;
  if (x >= y) {
    if (candidate < 0) return `Check ${candidate}: not right, ${x} - ${y} is not below 0.`;
    return `Check ${candidate}: ${candidate} + ${y} = ${candidate + y}, ${candidate + y === x ? right : `not ${x}.`}`;
  }
  if (candidate >= 0) return `Check ${candidate}: not right, ${x} - ${y} is below 0.`;
  return `Check ${candidate}: ${-candidate} + ${x} = ${x - candidate}, ${x - candidate === y ? right : `not ${y}.`}`;
}

/** A summary of solutions as the summarizer is taught to write it: each one's products and final answer. */
export function summarize(solutions: readonly WorkedSolution[]): string {
  return solutions
    .map((solution) => {
      const [product1, product2] = solution.text.split('\n');
      return `One agent found ${product1} and ${product2}, and the answer ${solution.answer}.`;
    })
    .join('\n');
}

function drawOperands(random: Random, options: CurriculumOptions): Operands {
  const draw = () => random.integer(options.min, options.max);
  return [draw(), draw(), draw(), draw(), draw(), draw()];
}

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
