/**
 * A run's results as `maft run` writes them, for the report tests: scores of every method at iterations
 * 0–2, dataset sizes, loss curves and a few debates. Built from real transcript fixtures where a pure function
 * exists (the samples), handwritten otherwise.
 */
import type { MethodName } from '../../src/spec/methods.js';
import type { MethodScore, RunResults } from '../../src/spec/run-results.js';
import { sampleDebates } from '../../src/evaluate/scores.js';
import { fiveDebates } from '../finetune-data/debate-fixtures.js';

const score = (method: MethodName, iteration: number, correct: number, society = true): MethodScore => {
  const problems = 40;
  const accuracy = correct / problems;
  return {
    method,
    iteration,
    problems,
    correct,
    accuracy,
    standardError: Math.sqrt((accuracy * (1 - accuracy)) / problems),
    tokens: 12_000 + 300 * correct,
    modelSeconds: 30 + iteration,
    noAnswerRate: 0.05,
    ...(society
      ? { consensus: 0.6 + 0.05 * iteration, perAgentAccuracy: [accuracy - 0.05, accuracy, accuracy + 0.02] }
      : {}),
  };
};

export function exampleResults(): RunResults {
  const transcripts = fiveDebates();
  const ids = transcripts.map((transcript) => transcript.problemId);
  return {
    maftVersion: '0.1.0',
    updatedAt: '2026-12-01T12:00:00.000Z',
    task: 'arithmetic',
    model: '/x/models/arithmetic-base.gguf',
    agents: 3,
    rounds: 2,
    iterations: 2,
    finetuneProblems: 40,
    evalProblems: 40,
    methods: ['base', 'majority', 'debate', 'multiagent-ft', 'single-agent-ft', 'majority-ft', 'star'],
    progress: { done: 31, total: 31, finished: true },
    scores: [
      score('base', 0, 12, false),
      score('majority', 0, 15),
      score('debate', 0, 17),
      score('multiagent-ft', 0, 17),
      score('multiagent-ft', 1, 21),
      score('multiagent-ft', 2, 24),
      score('single-agent-ft', 0, 17),
      score('single-agent-ft', 1, 20),
      score('single-agent-ft', 2, 19),
      score('majority-ft', 0, 15),
      score('majority-ft', 1, 17),
      score('majority-ft', 2, 18),
      score('star', 0, 12, false),
      score('star', 1, 14, false),
      score('star', 2, 15, false),
    ],
    datasets: [0, 1, 2].flatMap((agent) =>
      [1, 2].map((iteration) => ({
        method: 'multiagent-ft' as const,
        iteration,
        agent,
        generator: 20 + agent,
        corrected: 4 + iteration,
        confirmed: 15,
        correctedKept: 4 + iteration,
        confirmedKept: 8 - iteration,
        critic: 12,
      })),
    ),
    training: [0, 1, 2].map((agent) => ({
      method: 'multiagent-ft' as const,
      iteration: 1,
      agent,
      role: 'generator' as const,
      rows: 20,
      losses: Array.from({ length: 30 }, (_, step) => 0.6 * Math.exp(-step / 12) + 0.1 + 0.01 * agent),
      finalLoss: 0.15,
      seconds: 12,
      truncatedRows: agent,
      droppedRows: 0,
    })),
    diversity: [
      { method: 'debate', iteration: 0, likelihoodNll: 0.31, agentKl: 0, baseKl: 0, embeddingDissimilarity: 0.08 },
      {
        method: 'multiagent-ft',
        iteration: 1,
        likelihoodNll: 0.42,
        agentKl: 0.05,
        baseKl: 0.09,
        embeddingDissimilarity: 0.11,
      },
      {
        method: 'single-agent-ft',
        iteration: 1,
        likelihoodNll: 0.29,
        agentKl: 0,
        baseKl: 0.07,
        embeddingDissimilarity: 0.07,
      },
    ].map((score) => ({
      ...score,
      method: score.method as MethodName,
      problems: 8,
      consensus: 0.7,
      standardError: {
        consensus: 0.08,
        likelihoodNll: 0.02,
        agentKl: score.agentKl === 0 ? 0 : 0.01,
        baseKl: score.baseKl === 0 ? 0 : 0.012,
        embeddingDissimilarity: 0.015,
      },
      embeddingModel: 'llama-cpp:/x/models/arithmetic-base.gguf',
    })),
    samples: [
      ...sampleDebates('base/eval', 'debate', 0, transcripts, ids, 3),
      ...sampleDebates('multiagent-ft/iteration-2/eval', 'multiagent-ft', 2, transcripts, ids, 3),
    ],
  };
}

/** `add` applied to the scores a debate's final vote gives (Debate, multiagent and single-agent FT), where `maft run` writes debate counts. */
function withDebatedScores(
  results: RunResults,
  add: (score: RunResults['scores'][number]) => RunResults['scores'][number],
): RunResults {
  const debated = ['debate', 'multiagent-ft', 'single-agent-ft'];
  return { ...results, scores: results.scores.map((score) => (debated.includes(score.method) ? add(score) : score)) };
}

/**
 * The example results with answer changes where `maft run` writes them (Debate, multiagent and single-agent FT at
 * every iteration), `turns` answers per round (the paper config: 500 problems × 3 agents = 1500) and counts as
 * wide as that gives.
 */
export function withAnswerChanges(results: RunResults, turns: number): RunResults {
  const part = (share: number) => Math.round(turns * share);
  const counts = (share: number) => ({ turns: part(share), kept: part(share * 0.9), endedRight: part(share * 0.7) });
  return withDebatedScores(results, (score) => ({
    ...score,
    answerChanges: [
      {
        round: 2,
        turns,
        rightToRight: part(0.6),
        rightToWrong: part(0.07),
        wrongToRight: part(0.06),
        wrongToSameWrong: part(0.2),
        wrongToOtherWrong: turns - part(0.6) - part(0.07) - part(0.06) - part(0.2),
        fromNoAnswer: part(0.01),
        toNoAnswer: part(0.02),
        confirmed: counts(0.6),
        contradicted: counts(0.1),
        mixed: counts(0.3),
      },
    ],
  }));
}

/**
 * The example results with first-round agreement where `maft run` writes it (Debate, multiagent and single-agent
 * FT at every iteration) over `problems` held-out debates: Debate at the default run's counts, scaled to
 * `problems`, each later iteration one step more unanimous.
 */
export function withFirstRoundAgreement(results: RunResults, problems: number): RunResults {
  const part = (count: number) => Math.round((problems * count) / 100);
  return withDebatedScores(results, (score) => ({
    ...score,
    firstRoundAgreement: {
      problems,
      meanDistinctAnswers: 1.46 - 0.05 * score.iteration,
      anyRight: part(86 - score.iteration),
      unanimous: part(63 + 3 * score.iteration),
      unanimousRight: part(59),
      unanimousWrong: part(4 + 3 * score.iteration),
      unanimousWrongEndedRight: part(4 + score.iteration),
    },
  }));
}
