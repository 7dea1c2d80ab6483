import type { AnswerChangeCase, AnswerChanges } from './answer-changes.js';
import type { FirstRoundAgreement } from './first-round-agreement.js';
import type { DebateMetrics } from './metrics.js';

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
const withError = (accuracy: number, standardError: number) => `${percent(accuracy)} ± ${percent(standardError)}`;

const changeCase = (name: string, counts: AnswerChangeCase) =>
  `${name} ${counts.turns}: kept ${counts.kept}, right ${counts.endedRight}`;

/** Two lines per round r ≥ 2: the answers' moves since round r − 1, then by what the others said (docs/answer-changes.md). */
function answerChangeLines(changes: AnswerChanges): string[] {
  return [
    `  round ${changes.round - 1} → ${String(changes.round).padEnd(7)} right→right ${changes.rightToRight} · right→wrong ${changes.rightToWrong} · wrong→right ${changes.wrongToRight} · wrong→same wrong ${changes.wrongToSameWrong} · wrong→other wrong ${changes.wrongToOtherWrong}  (${changes.turns} answers; no answer: ${changes.fromNoAnswer} before, ${changes.toNoAnswer} after)`,
    `    others said     ${[changeCase('confirmed', changes.confirmed), changeCase('contradicted', changes.contradicted), changeCase('mixed', changes.mixed)].join(' · ')}`,
  ];
}

/** One line: round 1's answers before anyone has seen anyone (docs/diversity.md, "First-round agreement"). */
const firstRoundLine = (agreement: FirstRoundAgreement) =>
  `  first round       ${agreement.meanDistinctAnswers.toFixed(2)} distinct answers per problem; some agent right on ${agreement.anyRight ?? '?'}; unanimous ${agreement.unanimous} of ${agreement.problems}: right ${agreement.unanimousRight}, wrong ${agreement.unanimousWrong} (final vote right on ${agreement.unanimousWrongEndedRight} of those)`;

/** The metrics as a small plain-text table for terminals (the JSON form is the contract for scripts). */
export function formatMetrics(metrics: DebateMetrics, title: string): string {
  const lines = [
    title,
    `  problems          ${metrics.problems}`,
    `  accuracy          ${withError(metrics.accuracy, metrics.standardError)}  (majority vote of the last round)`,
    ...metrics.perRound.map(
      (round) => `  round ${String(round.round).padEnd(11)} ${withError(round.accuracy, round.standardError)}`,
    ),
    ...metrics.perAgent.map(
      (agent) =>
        `  agent ${String(agent.agent).padEnd(11)} ${agent.perRound.map((round) => percent(round.accuracy)).join(' → ')}`,
    ),
    `  consensus         ${percent(metrics.consensus)}`,
    ...(metrics.firstRoundAgreement ? [firstRoundLine(metrics.firstRoundAgreement)] : []),
    ...metrics.answerChanges.flatMap(answerChangeLines),
    `  no answer         ${percent(metrics.noAnswerRate)} of final votes (counted wrong); ${percent(metrics.unparsedReplyRate)} of replies`,
    `  truncated         ${percent(metrics.truncatedReplyRate)} of replies`,
    `  tokens            ${metrics.promptTokens} prompt, ${metrics.completionTokens} completion`,
    `  call time (sum)   ${metrics.modelSeconds.toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
