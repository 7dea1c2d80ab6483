/**
 * How often a method's training labels are right (pure): the rows of a dataset whose answer is right against
 * the problem's ground truth, graded exactly as the eval grades (grading/equivalence.ts, with the debate's
 * answer type and grading mode), and the reference — how often the source debate's round-1 answers were right,
 * i.e. what one agent achieves on those problems (docs/method.md, "How often the labels are right").
 *
 * A read-only diagnostic computed next to the data, never an input to it: the rows are built first, from the
 * votes alone (society-datasets.ts, star-rows.ts), and only counted here. The ground truth is read from the
 * debate records to count, and goes nowhere else — not into a row, not into its metadata, not into anything a
 * method trains on or votes with. (STaR is the one method that selects its rows by the ground truth; its
 * labels are right by construction and the count says so.)
 */
import { MaftError } from '../errors/maft-error.js';
import { isEquivalent } from '../grading/equivalence.js';
import type { GradingMode } from '../grading/grading-mode.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { AnswerType } from '../spec/problem.js';
import type { TrainingRow } from './training-row.js';

/** What a row's answer is graded against: its problem's ground truth, answer type and grading mode. */
export interface GroundTruth {
  groundTruth: string;
  answerType: AnswerType;
  grading: GradingMode;
}

/** The ground truth of every problem the transcripts debated, by problem id. */
export function groundTruthsOf(transcripts: readonly DebateTranscript[]): Map<string, GroundTruth> {
  return new Map(
    transcripts.map((transcript) => [
      transcript.problemId,
      {
        groundTruth: transcript.groundTruth,
        answerType: transcript.answerType as AnswerType,
        grading: transcript.grading ?? 'default',
      },
    ]),
  );
}

/** Whether `answer` is right for `problemId` (a missing answer never is), graded the eval's way. */
export function isRightAnswer(
  answer: string | null,
  problemId: string,
  truths: ReadonlyMap<string, GroundTruth>,
): boolean {
  const truth = truths.get(problemId);
  if (truth === undefined) {
    throw new MaftError('INTERNAL', `no debate record of problem ${JSON.stringify(problemId)} to grade its row by`);
  }
  return isEquivalent(answer, truth.groundTruth, truth.answerType, truth.grading);
}

/** How many of `rows` carry a right answer (`metadata.answer` against their problem's ground truth). */
export function countRightRows(rows: readonly TrainingRow[], truths: ReadonlyMap<string, GroundTruth>): number {
  return rows.filter((row) => isRightAnswer(row.metadata.answer, row.metadata.problemId, truths)).length;
}

/** The reference: round-1 replies of the source debates and how many of them were right. */
export interface FirstRoundRight {
  /** Round-1 replies counted (one per problem and agent; a reply with no parsable answer counts, as wrong). */
  firstRoundReplies: number;
  /** Those whose answer was right. */
  firstRoundRight: number;
}

/** Every count of one model's rows: what summary.json's `sizes` hold next to the row counts (DatasetSize). */
export interface LabelCounts extends FirstRoundRight {
  generatorRight: number;
  criticRight: number;
  /** Of the critic rows, the D⁻ ones (`critic-corrected`, the answers the debate corrected) that are right. */
  criticCorrectedRight: number;
}

/**
 * The one counting rule, shared by the data stage (method-data.ts) and the recount of a stored run
 * (recount-labels.ts, `maft labels`): a model's generator and critic rows graded against the source records'
 * ground truth, and round 1 of its agent (`null`: every agent) as the reference.
 */
export function labelCounts(
  generator: readonly TrainingRow[],
  critic: readonly TrainingRow[],
  transcripts: readonly DebateTranscript[],
  agent: number | null,
): LabelCounts {
  const truths = groundTruthsOf(transcripts);
  return {
    generatorRight: countRightRows(generator, truths),
    criticRight: countRightRows(critic, truths),
    // Of those, the D⁻ rows (the answers the debate corrected); D⁺'s count is the difference.
    criticCorrectedRight: countRightRows(
      critic.filter((row) => row.metadata.kind === 'critic-corrected'),
      truths,
    ),
    ...countFirstRoundRight(transcripts, agent),
  };
}

/** Round 1 of `agent` (or of every agent, `null`: a pooled model's reference) over the transcripts. */
export function countFirstRoundRight(transcripts: readonly DebateTranscript[], agent: number | null): FirstRoundRight {
  const truths = groundTruthsOf(transcripts);
  let firstRoundReplies = 0;
  let firstRoundRight = 0;
  for (const transcript of transcripts) {
    for (const own of transcript.agents) {
      if (agent !== null && own.agent !== agent) continue;
      const first = own.turns[0];
      if (first === undefined) continue;
      firstRoundReplies++;
      if (isRightAnswer(first.answer, transcript.problemId, truths)) firstRoundRight++;
    }
  }
  return { firstRoundReplies, firstRoundRight };
}
