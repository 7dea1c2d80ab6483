/**
 * Hand-made debate transcripts with known answers, for exact dataset assertions. Every reply names its agent
 * and round (`agent 1 round 2 answers \boxed{5}`), so a test can tell whose reply a row holds.
 */
import type { AgentTranscript, DebateTranscript } from '../../src/spec/debate.js';
import type { Vote } from '../../src/spec/vote.js';

export const userPrompt = (problemId: string, agent: number, round: number) =>
  round === 1
    ? `Solve ${problemId}.`
    : `agent ${agent} round ${round}: others said things about ${problemId}; update your answer.`;

export const reply = (agent: number, round: number, answer: string | null) =>
  `agent ${agent} round ${round} answers ${answer === null ? 'nothing' : `\\boxed{${answer}}`}`;

/**
 * A debate: `answers[round - 1][agent]` is each agent's extracted answer, `winners[round - 1]` each round's vote.
 * `texts` overrides a reply's text by `round:agent`; `truncated` lists the `round:agent` replies cut by the token limit.
 */
export function makeTranscript(
  problemId: string,
  answers: (string | null)[][],
  winners: (string | null)[],
  options: { answerType?: string; texts?: Record<string, string>; truncated?: string[] } = {},
): DebateTranscript {
  const agentCount = answers[0]?.length ?? 0;
  const agents = Array.from({ length: agentCount }, (_, agent): AgentTranscript => ({
    agent,
    conversation: answers.flatMap((roundAnswers, index) => [
      { role: 'user' as const, content: userPrompt(problemId, agent, index + 1) },
      {
        role: 'assistant' as const,
        content: options.texts?.[`${index + 1}:${agent}`] ?? reply(agent, index + 1, roundAnswers[agent] ?? null),
      },
    ]),
    turns: answers.map((roundAnswers, index) => ({
      round: index + 1,
      role: index === 0 ? 'generator' : 'critic',
      shownAgents: [],
      response: {
        text: options.texts?.[`${index + 1}:${agent}`] ?? reply(agent, index + 1, roundAnswers[agent] ?? null),
        finishReason: options.truncated?.includes(`${index + 1}:${agent}`) ? 'length' : 'stop',
        usage: { promptTokens: 1, completionTokens: 1 },
        modelId: 'hand-made',
        seed: 0,
        durationMs: 0,
      },
      answer: roundAnswers[agent] ?? null,
    })),
  }));
  const votes = winners.map((winner): Vote => ({ winner, classes: [], tied: false, missing: 0 }));
  return {
    problemId,
    question: `question ${problemId}`,
    groundTruth: '0',
    answerType: options.answerType ?? 'numeric',
    agents,
    votes,
  };
}

/**
 * Five debates of 3 agents × 2 rounds (numeric answers). Hand-computed datasets (agent: rows by problem):
 *
 *   agent   generator         D⁻ corrected   D⁺ confirmed   majority (round-1 vote)
 *   0       p1 p2             p3 p5          p1 p2          p1 p2 p5
 *   1       p1 p2 p3 p5       —              p1 p2 p3       p1 p2
 *   2       —                 p1 p2          —              p3
 *
 * p2 agrees only by equivalence (0.5 ≡ 1/2); p3 has a missing round-1 answer (agent 0: corrected) and a
 * missing final answer (agent 2: no critic row); p4 has no answer at all (no winner: no rows).
 */
export function fiveDebates(): DebateTranscript[] {
  return [
    makeTranscript(
      'p1',
      [
        ['5', '5', '7'],
        ['5', '5', '5'],
      ],
      ['5', '5'],
    ),
    makeTranscript(
      'p2',
      [
        ['0.5', '1/2', '3'],
        ['1/2', '0.5', '0.5'],
      ],
      ['0.5', '1/2'],
    ),
    makeTranscript(
      'p3',
      [
        [null, '4', '9'],
        ['4', '4', null],
      ],
      ['9', '4'],
    ),
    makeTranscript(
      'p4',
      [
        [null, null, null],
        [null, null, null],
      ],
      [null, null],
    ),
    makeTranscript(
      'p5',
      [
        ['1', '2', '3'],
        ['2', '3', '1'],
      ],
      ['1', '2'],
    ),
  ];
}
