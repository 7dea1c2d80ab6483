import { describe, expect, it } from 'vitest';
import { buildSocietyDatasets, type DatasetSettings } from '../../src/finetune-data/society-datasets.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';
import { fiveDebates, makeTranscript, reply, userPrompt } from './debate-fixtures.js';

const settings: DatasetSettings = { iteration: 1, correctedShare: 2 / 3, criticMix: 'w', seed: 0 };
const problems = (rows: TrainingRow[]) => rows.map((row) => row.metadata.problemId);

describe('per-agent datasets from hand-made debates (method.md steps 2–3)', () => {
  const datasets = buildSocietyDatasets(fiveDebates(), settings);
  const [agent0, agent1, agent2] = datasets.agents;

  it('keeps the generator rows whose round-1 answer ≡ the final majority, per agent', () => {
    expect(datasets.problems).toBe(5);
    expect(problems(agent0!.generator)).toEqual(['p1', 'p2']);
    expect(problems(agent1!.generator)).toEqual(['p1', 'p2', 'p3', 'p5']);
    expect(problems(agent2!.generator)).toEqual([]);
  });

  it('builds a generator row as (task prompt, round-1 reply) with its provenance', () => {
    expect(agent1!.generator[2]).toEqual({
      prompt: [{ role: 'user', content: userPrompt('p3', 1, 1) }],
      completion: { role: 'assistant', content: reply(1, 1, '4') },
      metadata: {
        agent: 1,
        role: 'generator',
        iteration: 1,
        problemId: 'p3',
        sourceRound: 1,
        kind: 'generator',
        answer: '4',
        majority: '4',
      },
    });
  });

  it('splits the critic rows into D⁻ (corrected) and D⁺ (confirmed)', () => {
    expect(problems(agent0!.corrected)).toEqual(['p3', 'p5']);
    expect(problems(agent0!.confirmed)).toEqual(['p1', 'p2']);
    expect(problems(agent1!.corrected)).toEqual([]);
    expect(problems(agent1!.confirmed)).toEqual(['p1', 'p2', 'p3']);
    expect(problems(agent2!.corrected)).toEqual(['p1', 'p2']);
    expect(problems(agent2!.confirmed)).toEqual([]);
  });

  it('builds a critic row as (conversation before the final reply, final reply)', () => {
    expect(agent0!.corrected[0]).toEqual({
      prompt: [
        { role: 'user', content: userPrompt('p3', 0, 1) },
        { role: 'assistant', content: reply(0, 1, null) },
        { role: 'user', content: userPrompt('p3', 0, 2) },
      ],
      completion: { role: 'assistant', content: reply(0, 2, '4') },
      metadata: {
        agent: 0,
        role: 'critic',
        iteration: 1,
        problemId: 'p3',
        sourceRound: 2,
        kind: 'critic-corrected',
        answer: '4',
        majority: '4',
      },
    });
  });

  it("mixes each critic's data with w = 2/3 (agent 0: 2 D⁻ + 1 D⁺; agent 1: no D⁻ → none; agent 2: 1 D⁻)", () => {
    expect(agent0!.critic.map((row) => row.metadata.kind).sort()).toEqual([
      'critic-confirmed',
      'critic-corrected',
      'critic-corrected',
    ]);
    expect(agent1!.critic).toEqual([]);
    expect(agent2!.critic).toHaveLength(1);
    const all = buildSocietyDatasets(fiveDebates(), { ...settings, criticMix: 'all' });
    expect(all.agents.map((agent) => problems(agent.critic))).toEqual([
      ['p1', 'p2', 'p3', 'p5'],
      ['p1', 'p2', 'p3'],
      ['p1', 'p2'],
    ]);
  });

  it('pools the baselines: single-agent = every generator and critic row, majority = round-1 majority agreement', () => {
    const expected = datasets.agents.flatMap((agent) => [...agent.generator, ...agent.critic]);
    expect(datasets.pooled.singleAgent).toEqual(expected);
    expect(datasets.pooled.majority.map((row) => `${row.metadata.agent}:${row.metadata.problemId}`)).toEqual([
      '0:p1',
      '0:p2',
      '0:p5',
      '1:p1',
      '1:p2',
      '2:p3',
    ]);
    expect(
      datasets.pooled.majority.every((row) => row.metadata.kind === 'majority' && row.metadata.sourceRound === 1),
    ).toBe(true);
    expect(datasets.pooled.majority.find((row) => row.metadata.problemId === 'p3')?.metadata.majority).toBe('9');
  });

  it("gives every agent only its own replies (the released code gave all agents the last agent's data)", () => {
    const debates = fiveDebates();
    const everything = buildSocietyDatasets(debates, { ...settings, criticMix: 'all' });
    for (const agent of everything.agents) {
      const rows = [...agent.generator, ...agent.corrected, ...agent.confirmed, ...agent.critic];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.metadata.agent).toBe(agent.agent);
        const own = debates.find((debate) => debate.problemId === row.metadata.problemId)?.agents[agent.agent]
          ?.conversation;
        expect(own?.slice(0, row.prompt.length + 1)).toEqual([...row.prompt, row.completion]);
        for (const message of [...row.prompt, row.completion].filter((message) => message.role === 'assistant')) {
          expect(message.content.startsWith(`agent ${agent.agent} round`)).toBe(true);
        }
      }
    }
  });

  it('orders rows by problem id whatever order the debates finished in, and stamps the iteration', () => {
    const shuffledOrder = fiveDebates().reverse();
    const again = buildSocietyDatasets(shuffledOrder, { ...settings, iteration: 3 });
    expect(problems(again.agents[1]!.generator)).toEqual(['p1', 'p2', 'p3', 'p5']);
    expect(again.agents[1]!.generator.every((row) => row.metadata.iteration === 3)).toBe(true);
    expect(buildSocietyDatasets(shuffledOrder, settings)).toEqual(datasets);
  });
});

describe('agreement, missing answers and debate shapes', () => {
  it("agrees by the answer type's equivalence (math: \\frac{1}{2} ≡ 0.5), never by a missing answer", () => {
    const debate = makeTranscript(
      'm1',
      [
        ['\\frac{1}{2}', '0.5', null],
        ['0.5', '\\dfrac12', null],
      ],
      ['0.5', '\\frac{1}{2}'],
      { answerType: 'math' },
    );
    const datasets = buildSocietyDatasets([debate], settings);
    expect(datasets.agents.map((agent) => agent.generator.length)).toEqual([1, 1, 0]);
    expect(datasets.agents.map((agent) => agent.confirmed.length)).toEqual([1, 1, 0]);
    const exact = makeTranscript('e1', [['0.5', '1/2']], ['1/2'], { answerType: 'exact' });
    expect(buildSocietyDatasets([exact], settings).agents.map((agent) => agent.generator.length)).toEqual([0, 1]);
  });

  it('uses the whole conversation of a 3-round debate, and gives a 1-round debate no critic rows', () => {
    const three = makeTranscript(
      't3',
      [
        ['1', '2'],
        ['2', '2'],
        ['2', '2'],
      ],
      ['1', '2', '2'],
    );
    const [first] = buildSocietyDatasets([three], settings).agents;
    expect(first!.corrected[0]?.prompt).toHaveLength(5);
    expect(first!.corrected[0]?.metadata.sourceRound).toBe(3);
    const one = buildSocietyDatasets([makeTranscript('t1', [['2', '2']], ['2'])], settings);
    expect(
      one.agents.map((agent) => [agent.generator.length, agent.corrected.length + agent.confirmed.length]),
    ).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('skips, and counts, rows with a blank message (OpenAI rejects them) or a reply cut by the token limit', () => {
    const debate = makeTranscript(
      'b1',
      [
        ['3', '3', '3'],
        ['3', '3', '3'],
      ],
      ['3', '3'],
      { texts: { '1:0': '   ', '2:1': '' }, truncated: ['1:2'] },
    );
    const [first, second, third] = buildSocietyDatasets([debate], settings).agents;
    expect([first!.generator.length, first!.confirmed.length, first!.skipped]).toEqual([
      0,
      0,
      { truncated: 0, blank: 2 },
    ]);
    expect([second!.generator.length, second!.confirmed.length, second!.skipped]).toEqual([
      1,
      0,
      { truncated: 0, blank: 1 },
    ]);
    // A truncated round-1 reply is no generator row, but as context before a finished final reply it is kept.
    expect([third!.generator.length, third!.confirmed.length, third!.skipped]).toEqual([
      0,
      1,
      { truncated: 1, blank: 0 },
    ]);
  });

  it('refuses malformed inputs with one INPUT_INVALID naming the problem', () => {
    const broken = makeTranscript(
      'x1',
      [
        ['1', '1'],
        ['1', '1'],
      ],
      ['1', '1'],
    );
    broken.agents[1]!.conversation.pop();
    const cases: [ReturnType<typeof fiveDebates>, RegExp][] = [
      [[], /no debate records/],
      [[broken], /"x1".*agent 1's conversation/],
      [[makeTranscript('x2', [['1']], ['1']), makeTranscript('x2', [['1']], ['1'])], /"x2" was debated twice/],
      [[makeTranscript('x3', [['1']], ['1']), makeTranscript('x4', [['1', '1']], ['1'])], /"x4" has 2 agents/],
      [[makeTranscript('x5', [['1']], ['1'], { answerType: 'words' })], /unknown answer type "words"/],
      [[makeTranscript('x6', [['1']], ['1', '1'])], /1 turns for 2 votes/],
    ];
    for (const [transcripts, message] of cases) {
      expect(() => buildSocietyDatasets(transcripts, settings)).toThrow(message);
    }
    expect(() => buildSocietyDatasets(fiveDebates(), { ...settings, iteration: 0 })).toThrow(/iteration/);
    expect(() => buildSocietyDatasets(fiveDebates(), { ...settings, correctedShare: 1.5 })).toThrow(/\[0, 1\]/);
  });
});
