/**
 * Answer changes between consecutive rounds (pure): what each agent's answer did from round r − 1 to round r,
 * and what it did given what the others it was shown had said in round r − 1 (the counts "Should we be going
 * MAD?" and Du et al. 2023 explain debate gains with). Definitions: src/spec/answer-changes.ts and
 * docs/answer-changes.md. Graded and compared with the equivalence the accuracy and the vote use.
 */
import { isEquivalent } from '../grading/equivalence.js';
import type { AnswerChangeCase, AnswerChanges } from '../spec/answer-changes.js';
import type { DebateTranscript } from '../spec/debate.js';
import type { AnswerType } from '../spec/problem.js';

export type { AnswerChangeCase, AnswerChanges };

type OthersCase = 'confirmed' | 'contradicted' | 'mixed';

/** The case of one turn, from the agent's own and the shown others' round r − 1 answers (null: N = 1). */
export function classifyOthers(
  own: string | null,
  others: readonly (string | null)[],
  same: (a: string, b: string) => boolean,
): OthersCase | null {
  if (others.length === 0) return null;
  if (own === null || others.some((answer) => answer === null)) return 'mixed';
  const given = others as readonly string[];
  if (given.every((answer) => same(answer, own))) return 'confirmed';
  const first = given[0] as string;
  if (given.every((answer) => same(answer, first) && !same(answer, own))) return 'contradicted';
  return 'mixed';
}

const emptyCase = (): AnswerChangeCase => ({ turns: 0, kept: 0, endedRight: 0 });

function emptyChanges(round: number): AnswerChanges {
  return {
    round,
    turns: 0,
    rightToRight: 0,
    rightToWrong: 0,
    wrongToRight: 0,
    wrongToSameWrong: 0,
    wrongToOtherWrong: 0,
    fromNoAnswer: 0,
    toNoAnswer: 0,
    confirmed: emptyCase(),
    contradicted: emptyCase(),
    mixed: emptyCase(),
  };
}

/** One entry per round r = 2..M (M: the most rounds of any transcript); empty for one-round debates. */
export function countAnswerChanges(transcripts: readonly DebateTranscript[]): AnswerChanges[] {
  const rounds = Math.max(0, ...transcripts.map((transcript) => transcript.votes.length));
  const changes = Array.from({ length: Math.max(0, rounds - 1) }, (_, index) => emptyChanges(index + 2));
  for (const transcript of transcripts) {
    const answerType = transcript.answerType as AnswerType;
    const same = (a: string | null, b: string | null) => isEquivalent(a, b, answerType, transcript.grading);
    const right = (answer: string | null) => same(answer, transcript.groundTruth);
    const answerOf = (agent: number, round: number) =>
      transcript.agents.find((entry) => entry.agent === agent)?.turns.find((turn) => turn.round === round);
    for (const entry of changes) {
      for (const agent of transcript.agents) {
        const before = agent.turns.find((turn) => turn.round === entry.round - 1);
        const after = agent.turns.find((turn) => turn.round === entry.round);
        if (before === undefined || after === undefined) continue;
        const wasRight = right(before.answer);
        const isRight = right(after.answer);
        const kept = same(after.answer, before.answer);
        entry.turns++;
        if (wasRight && isRight) entry.rightToRight++;
        else if (wasRight) entry.rightToWrong++;
        else if (isRight) entry.wrongToRight++;
        else if (kept) entry.wrongToSameWrong++;
        else entry.wrongToOtherWrong++;
        if (before.answer === null) entry.fromNoAnswer++;
        if (after.answer === null) entry.toNoAnswer++;
        // Whom the turn was shown; a record that names nobody while others exist (hand-made, older) was shown all.
        const shown =
          after.shownAgents.length > 0
            ? after.shownAgents
            : transcript.agents.map((other) => other.agent).filter((other) => other !== agent.agent);
        const others = shown.map((other) => answerOf(other, entry.round - 1)?.answer ?? null);
        const kind = classifyOthers(before.answer, others, same);
        if (kind === null) continue;
        entry[kind].turns++;
        if (kept) entry[kind].kept++;
        if (isRight) entry[kind].endedRight++;
      }
    }
  }
  return changes;
}
