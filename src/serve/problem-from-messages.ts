/**
 * What "the request's messages are the problem" means (pure). A society debates one question, in the run's
 * prompts (`Problem: {question}` and the like), graded by the run's task's answer type; a chat request is a
 * conversation. The rule:
 *
 * - one user message: its text is the question, exactly as a task's problem would be;
 * - a longer conversation (system prompts, earlier turns): every message becomes a paragraph `System: …`,
 *   `User: …`, `Assistant: …`, in order, and the question is those paragraphs — the last user message last —
 *   so every agent (and the summarizer) sees the whole conversation inside the run's templates;
 * - the last message must be the user's (checked by parseChatRequest): it is what the society answers.
 *
 * The vote needs comparable answers: replies are read with the run's task's answer type and extraction
 * (`\boxed{}` first), so a question outside the task's kind still gets a debate and a reply, but its votes
 * may have no parsable answer (vote.winner null; the reply is then agent 0's final one).
 */
import type { ChatMessage } from '../spec/chat-model.js';
import type { Problem } from '../spec/problem.js';
import type { AnswerType } from '../spec/problem.js';
import { hashString } from '../util/random.js';

const roleLabels: Record<ChatMessage['role'], string> = { system: 'System', user: 'User', assistant: 'Assistant' };

export function questionFromMessages(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0]?.role === 'user') return messages[0].content;
  return messages.map((message) => `${roleLabels[message.role]}: ${message.content}`).join('\n\n');
}

/**
 * The problem a request's society debates. There is no ground truth (answer ''); the id is a hash of the
 * question, so the debate's seeds (derived from seed and problem id) reproduce the same debate for the same
 * question and seed.
 */
export function problemFromMessages(messages: readonly ChatMessage[], task: string, answerType: AnswerType): Problem {
  const question = questionFromMessages(messages);
  return { id: `serve/${hashString(question).toString(16).padStart(8, '0')}`, task, question, answer: '', answerType };
}
