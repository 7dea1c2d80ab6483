import type { DebateMetrics } from './metrics.js';

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
const withError = (accuracy: number, stderr: number) => `${percent(accuracy)} ± ${percent(stderr)}`;

/** The metrics as a small plain-text table for terminals (the JSON form is the contract for scripts). */
export function formatMetrics(metrics: DebateMetrics, title: string): string {
  const lines = [
    title,
    `  problems          ${metrics.problems}`,
    `  accuracy          ${withError(metrics.accuracy, metrics.stderr)}  (majority vote of the last round)`,
    ...metrics.per_round.map(
      (round) => `  round ${String(round.round).padEnd(11)} ${withError(round.accuracy, round.stderr)}`,
    ),
    ...metrics.per_agent.map(
      (agent) =>
        `  agent ${String(agent.agent).padEnd(11)} ${agent.per_round.map((round) => percent(round.accuracy)).join(' → ')}`,
    ),
    `  consensus         ${percent(metrics.consensus)}`,
    `  no answer         ${percent(metrics.no_answer_rate)} of responses (counted wrong)`,
    `  truncated         ${percent(metrics.truncated_rate)} of responses`,
    `  tokens            ${metrics.tokens.prompt} prompt, ${metrics.tokens.completion} completion`,
    `  call time (sum)   ${(metrics.model_time_ms / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
