/**
 * The diversity of real debates on tiny random-weight models (test/backends/llama-cpp/tiny-files.ts): token
 * distributions read back through node-llama-cpp, an embedder on the same engine. Societies whose agents share
 * one model have no KL between agents and none against the base; an adapter on one agent makes both positive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLlamaCppEngine,
  type LlamaCppChatModel,
  type LlamaCppEngine,
} from '../../src/backends/llama-cpp/index.js';
import { debateProblem, type DebateAgent } from '../../src/debate/debate-problem.js';
import { defaultPromptTemplates } from '../../src/debate/prompts.js';
import { measureDebate } from '../../src/diversity/measure-debate.js';
import { meanTokenNll } from '../../src/diversity/measures.js';
import type { ChatMessage } from '../../src/spec/chat-model.js';
import { writeTinyFiles, type TinyFiles } from '../backends/llama-cpp/tiny-files.js';

let files: TinyFiles;
let engine: LlamaCppEngine;
let base: LlamaCppChatModel;
let tuned: LlamaCppChatModel;

beforeAll(async () => {
  files = await writeTinyFiles();
  engine = await createLlamaCppEngine({ threads: 1, contexts: 2, logLevel: 'error' });
  base = await engine.chatModel({ model: files.modelA, contextSize: 512 });
  tuned = await engine.chatModel({ model: files.modelA, contextSize: 512, adapter: files.adapter });
});

afterAll(async () => {
  await engine?.dispose();
  await files?.remove();
});

const problem = {
  id: 'arithmetic/1+2',
  task: 'arithmetic',
  question: 'What is the result of 1+2?',
  answer: '3',
  answerType: 'numeric' as const,
};

const debate = (agents: DebateAgent[]) =>
  debateProblem(problem, agents, {
    rounds: 2,
    maxOthers: 2,
    summarize: false,
    seed: 7,
    answerType: 'numeric',
    extraction: {},
    sampling: { temperature: 1, topP: 0.9, maxTokens: 16 },
    templates: defaultPromptTemplates('numeric'),
  });

describe('reply distributions', () => {
  it('cover the vocabulary at every reply token, sum to 1, and read the same twice', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'What is 2+3?' }];
    const reply = (await base.complete({ messages, maxTokens: 10, seed: 3, temperature: 1 })).text;
    const read = await base.distributions(messages, reply);
    expect(read.tokens.length).toBeGreaterThan(0);
    expect(read.logProbs).toHaveLength(read.tokens.length);
    for (const row of read.logProbs) {
      expect(row.reduce((sum, value) => sum + Math.exp(value), 0)).toBeCloseTo(1, 6);
    }
    expect(meanTokenNll(read)).toBeGreaterThan(0);
    expect(await base.distributions(messages, reply)).toEqual(read);
    expect(await base.distributions(messages, '')).toEqual({ tokens: [], logProbs: [] });
  });
});

describe('a debate’s diversity', () => {
  it('is zero KL for a society of one model, positive once one agent has its own adapter', async () => {
    const embedder = await engine.embedder({ model: files.modelA });
    try {
      const same = await debate([0, 1, 2].map(() => ({ generator: base, critic: base })));
      const sameMeasured = await measureDebate(same, { scorers: [base, base, base], base, embedder });
      expect(sameMeasured).toMatchObject({ problemId: problem.id, agents: 3, agentKl: 0, baseKl: 0 });
      expect(sameMeasured.likelihoodNll).toBeGreaterThan(0);
      expect(sameMeasured.embeddingDissimilarity).toBeGreaterThanOrEqual(0);
      expect(sameMeasured.embeddingDissimilarity).toBeLessThanOrEqual(2);
      expect(sameMeasured.embeddingModel).toBe(`llama-cpp:${files.modelA}`);
      const winning = same.votes[1]!.classes.find((group) => group.answer === same.votes[1]!.winner);
      expect(sameMeasured.consensus).toBe((winning?.count ?? 0) / 3);

      const mixed = await debate([
        { generator: base, critic: tuned },
        { generator: base, critic: base },
        { generator: base, critic: base },
      ]);
      const mixedMeasured = await measureDebate(mixed, { scorers: [tuned, base, base], base });
      expect(mixedMeasured.agentKl).toBeGreaterThan(0);
      expect(mixedMeasured.baseKl).toBeGreaterThan(0);
      expect(mixedMeasured.embeddingDissimilarity).toBeNull();
      // Over HTTP (no scorer, no embedder) only consensus is measured.
      expect(await measureDebate(mixed, {})).toMatchObject({
        likelihoodNll: null,
        agentKl: null,
        baseKl: null,
        embeddingDissimilarity: null,
        embeddingModel: null,
        scoredTokens: 0,
      });
    } finally {
      await embedder.dispose();
    }
  });
});
