/**
 * The debate's orchestration (who answers when, who is shown what, which seeds, the votes), checked with a
 * scripted model so every message can be asserted exactly. The real engines run the same code in the
 * backend tests.
 */
import { describe, expect, it } from 'vitest';
import { debateProblem, type DebateAgent, type DebateSettings } from '../../src/debate/debate-problem.js';
import { defaultPromptTemplates } from '../../src/debate/prompts.js';
import type { ChatModel, ChatRequest } from '../../src/spec/chat-model.js';
import type { Problem } from '../../src/spec/problem.js';

const problem: Problem = {
  id: 'arithmetic/1+2*3+4-5*6',
  task: 'arithmetic',
  question: 'What is the result of 1+2*3+4-5*6?',
  answer: '-19',
  answerType: 'numeric',
};

/** A model that answers from a script keyed by the number of user turns, and records every request. */
function scriptedModel(id: string, answers: string[], log: { id: string; request: ChatRequest }[]): ChatModel {
  return {
    id,
    complete: async (request) => {
      log.push({ id, request });
      const round = request.messages.filter((message) => message.role === 'user').length;
      const text = answers[round - 1] ?? 'no answer';
      return {
        text,
        finishReason: 'stop',
        usage: { promptTokens: 10, completionTokens: 5 },
        modelId: id,
        durationMs: 1,
        warnings: [],
      };
    },
  };
}

function settings(overrides: Partial<DebateSettings> = {}): DebateSettings {
  return {
    rounds: 2,
    maxOthers: 2,
    summarize: false,
    sampling: { temperature: 1, topP: 0.9, maxTokens: 64 },
    seed: 7,
    answerType: 'numeric',
    extraction: {},
    templates: defaultPromptTemplates('numeric'),
    ...overrides,
  };
}

function society(scripts: string[][], log: { id: string; request: ChatRequest }[]): DebateAgent[] {
  return scripts.map((answers, agent) => ({
    generator: scriptedModel(`gen${agent}`, answers, log),
    critic: scriptedModel(`crit${agent}`, answers, log),
  }));
}

describe('debateProblem', () => {
  it('runs generators in round 1, critics after, each continuing its own conversation', async () => {
    const log: { id: string; request: ChatRequest }[] = [];
    const agents = society(
      [
        ['\\boxed{-19}', '\\boxed{-19}'],
        ['\\boxed{5}', '\\boxed{-19}'],
        ['no idea', 'still \\boxed{5}'],
      ],
      log,
    );
    const transcript = await debateProblem(problem, agents, settings());
    expect(log.map((entry) => entry.id).sort()).toEqual(['crit0', 'crit1', 'crit2', 'gen0', 'gen1', 'gen2']);
    const agent1 = transcript.agents[1];
    expect(agent1?.conversation.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(agent1?.conversation[0]?.content).toContain(problem.question);
    // Round 2: agent 1 is shown agents 0 and 2's round-1 answers, in a seeded order.
    expect(agent1?.turns[1]?.shownAgents.sort()).toEqual([0, 2]);
    expect(agent1?.conversation[2]?.content).toContain('\\boxed{-19}');
    expect(agent1?.conversation[2]?.content).toContain('no idea');
    expect(agent1?.conversation[2]?.content).not.toContain('\\boxed{5}');
    expect(transcript.agents[2]?.turns[0]?.answer).toBe(null);
    expect(transcript.votes[0]?.classes.map((group) => group.count)).toEqual([1, 1]);
    expect(transcript.votes[1]?.winner).toBe('-19');
    expect(transcript.votes[1]?.classes).toEqual([
      { answer: '-19', members: [0, 1], count: 2 },
      { answer: '5', members: [2], count: 1 },
    ]);
  });

  it('shows at most K others, and gives every call its own seed, reproducibly', async () => {
    const run = async () => {
      const log: { id: string; request: ChatRequest }[] = [];
      const answers = [0, 1, 2, 3, 4].map((agent) => [`\\boxed{${agent}}`, `\\boxed{${agent}}`, `\\boxed{${agent}}`]);
      const transcript = await debateProblem(problem, society(answers, log), settings({ rounds: 3, maxOthers: 2 }));
      return { transcript, seeds: log.map((entry) => entry.request.seed) };
    };
    const first = await run();
    for (const agent of first.transcript.agents) {
      for (const turn of agent.turns.slice(1)) {
        expect(turn.shownAgents).toHaveLength(2);
        expect(turn.shownAgents).not.toContain(agent.agent);
      }
    }
    expect(new Set(first.seeds).size).toBe(15);
    const second = await run();
    expect(second.transcript).toEqual(first.transcript);
  });

  it('asks the summariser once per critic turn and shows the summary instead of the answers', async () => {
    const log: { id: string; request: ChatRequest }[] = [];
    const summarizer = scriptedModel('summarizer', ['SUMMARY: two say 3'], log);
    const agents = society(
      [
        ['\\boxed{3}', '\\boxed{3}'],
        ['\\boxed{3}', '\\boxed{3}'],
        ['\\boxed{4}', '\\boxed{3}'],
      ],
      log,
    );
    const transcript = await debateProblem(problem, agents, settings({ summarize: true, summarizer }));
    const summaries = log.filter((entry) => entry.id === 'summarizer');
    expect(summaries).toHaveLength(3);
    expect(summaries[0]?.request.messages).toHaveLength(1);
    const critic = transcript.agents[0];
    expect(critic?.turns[1]?.summary?.text).toBe('SUMMARY: two say 3');
    expect(critic?.conversation[2]?.content).toContain('SUMMARY: two say 3');
    expect(critic?.conversation[2]?.content).not.toContain('```');
  });

  it('asks a lone agent to re-check its answer', async () => {
    const log: { id: string; request: ChatRequest }[] = [];
    const transcript = await debateProblem(problem, society([['\\boxed{1}', '\\boxed{-19}']], log), settings());
    expect(transcript.agents[0]?.conversation[2]?.content).toContain('Double-check');
    expect(transcript.votes.map((vote) => vote.winner)).toEqual(['1', '-19']);
  });
});

describe('grading mode of a debate', () => {
  const mathProblem: Problem = {
    id: 'math/half',
    task: 'math',
    question: 'Half of 1?',
    answer: '\\frac{1}{2}',
    answerType: 'math',
  };
  const mathSettings = (mode: 'default' | 'paper') =>
    settings({ rounds: 1, answerType: 'math', extraction: { mode }, templates: defaultPromptTemplates('math') });
  const scripts = [['\\boxed{\\frac{2}{4}}'], ['\\boxed{\\frac{1}{2}}'], ['The answer is $\\frac{1}{2}$.']];

  it('extracts and votes with the default rules: unboxed answers count, equal values form one class', async () => {
    const transcript = await debateProblem(mathProblem, society(scripts, []), mathSettings('default'));
    expect(transcript.agents.map((agent) => agent.turns[0]?.answer)).toEqual([
      '\\frac{2}{4}',
      '\\frac{1}{2}',
      '\\frac{1}{2}',
    ]);
    expect(transcript.votes[0]?.classes.map((group) => group.count)).toEqual([3]);
    expect(transcript.grading).toBeUndefined();
  });

  it("votes the paper's way in paper mode and records it, so later grading of the record agrees", async () => {
    const transcript = await debateProblem(mathProblem, society(scripts, []), mathSettings('paper'));
    expect(transcript.agents.map((agent) => agent.turns[0]?.answer)).toEqual(['\\frac{2}{4}', '\\frac{1}{2}', null]);
    expect(transcript.votes[0]?.classes.map((group) => group.count).sort()).toEqual([1, 1]);
    expect(transcript.grading).toBe('paper');
  });
});

describe('the unique-ID ablation (App. E.2)', () => {
  it('names each agent in its first prompt when on, and leaves the prompts alone when off', async () => {
    const scripts = [['\\boxed{1}'], ['\\boxed{2}'], ['\\boxed{3}']];
    const on = await debateProblem(problem, society(scripts, []), settings({ rounds: 1, uniqueIds: true }));
    expect(on.agents.map((agent) => agent.conversation[0]?.content.split('\n')[0])).toEqual([
      'You are agent 1 of 3.',
      'You are agent 2 of 3.',
      'You are agent 3 of 3.',
    ]);
    const off = await debateProblem(problem, society(scripts, []), settings({ rounds: 1 }));
    expect(new Set(off.agents.map((agent) => agent.conversation[0]?.content)).size).toBe(1);
    expect(off.agents[0]?.conversation[0]?.content).not.toContain('You are agent');
  });
});
