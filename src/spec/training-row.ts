/**
 * The canonical finetuning row every dataset of maft is made of, and every exporter reads: a prompt (the
 * messages the model is conditioned on), one assistant completion (the only text that carries the loss), and
 * where it came from. Generator rows have a one-message prompt (the task prompt); critic rows have the
 * agent's whole conversation before its final reply as the prompt (docs/method.md, "The loop", steps 2–3).
 *
 * A record type of the run (artifacts/data/<method>/iteration-<k>/rows/<model>.jsonl): the data stage builds
 * rows (src/finetune-data/), the run store reads them back strictly (src/run-store/read-dataset-files.ts).
 */
import type { ChatMessage } from './chat-model.js';

/** Which model of an agent trains on the row: its generator (round 1) or its critic (rounds ≥ 2). */
export const trainingRoles = ['generator', 'critic'] as const;
export type TrainingRole = (typeof trainingRoles)[number];

/** Which model a dataset trains: one agent's generator or critic (multiagent FT), or `single`: one model every agent uses. */
export const modelRoles = [...trainingRoles, 'single'] as const;
export type ModelRole = (typeof modelRoles)[number];

/**
 * Why the row exists:
 * - `generator`: the agent's round-1 reply agreed with the final majority (step 2);
 * - `critic-corrected` (D⁻): its final reply agrees with the final majority, its round-1 reply did not (step 3);
 * - `critic-confirmed` (D⁺): both its round-1 and its final reply agree with the final majority (step 3);
 * - `majority`: a round-1 reply that agrees with the round-1 majority, for the Majority FT baseline;
 * - `star`: a first answer that is right (STaR; the ground truth is used); `star-rationalized`: a wrong first
 *   answer's retry with the true answer as a hint, right, trained as the reply to the plain prompt.
 */
export const trainingRowKinds = [
  'generator',
  'critic-corrected',
  'critic-confirmed',
  'majority',
  'star',
  'star-rationalized',
] as const;
export type TrainingRowKind = (typeof trainingRowKinds)[number];

export interface TrainingRowMetadata {
  /** The agent whose reply the completion is (0-based, as in the debate records). */
  agent: number;
  role: TrainingRole;
  /** The finetuning iteration the row feeds (1 = the first finetune of the base society). */
  iteration: number;
  problemId: string;
  /** The debate round the completion was written in (1-based). */
  sourceRound: number;
  kind: TrainingRowKind;
  /** The answer extracted from the completion. */
  answer: string;
  /** The answer the completion was checked against: the final majority, round 1's for `majority` rows, the ground truth for STaR's. */
  majority: string;
}

export interface AssistantMessage extends ChatMessage {
  role: 'assistant';
}

export interface TrainingRow {
  /** Non-empty, ends with a user message; earlier assistant messages are context, never trained on. */
  prompt: ChatMessage[];
  completion: AssistantMessage;
  metadata: TrainingRowMetadata;
}
