import { describe, expect, it } from 'vitest';
import { exportOpenAiChatJsonl } from '../../src/finetune-data/export/openai-chat.js';
import { exportShareGptJson } from '../../src/finetune-data/export/sharegpt.js';
import { exportTrlPromptCompletionJsonl } from '../../src/finetune-data/export/trl-prompt-completion.js';
import { buildSocietyDatasets } from '../../src/finetune-data/society-datasets.js';
import type { TrainingRow } from '../../src/finetune-data/training-row.js';
import { fiveDebates, makeTranscript } from './debate-fixtures.js';
import { openAiChatViolations, shareGptViolations, trlPromptCompletionViolations } from './format-rules.js';

const datasets = buildSocietyDatasets(fiveDebates(), {
  iteration: 1,
  correctedShare: 2 / 3,
  criticMix: 'all',
  seed: 0,
});
const agent0 = datasets.agents[0]!;
const critic: TrainingRow = agent0.critic[0]!;
/** Text that must survive every export byte for byte. */
const awkward = 'line one\nline "two" — ½ \\boxed{\\frac{1}{2}} 🙂\ttab';
const tricky: TrainingRow = {
  prompt: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: awkward },
  ],
  completion: { role: 'assistant', content: awkward },
  metadata: { ...critic.metadata, problemId: 'tricky' },
};
const allRows = [...datasets.pooled.singleAgent, ...datasets.pooled.majority, tricky];

describe('OpenAI chat JSONL', () => {
  it("follows the format's rules for every row, one line each", () => {
    const text = exportOpenAiChatJsonl(allRows);
    expect(openAiChatViolations(text)).toEqual([]);
    expect(text.split('\n')).toHaveLength(allRows.length + 1);
    expect(exportOpenAiChatJsonl([])).toBe('');
  });

  it('trains only the final reply: earlier assistant messages get weight 0', () => {
    const [line] = exportOpenAiChatJsonl([critic]).split('\n');
    expect(JSON.parse(line!)).toEqual({
      messages: [
        { role: 'user', content: critic.prompt[0]!.content },
        { role: 'assistant', content: critic.prompt[1]!.content, weight: 0 },
        { role: 'user', content: critic.prompt[2]!.content },
        { role: 'assistant', content: critic.completion.content },
      ],
    });
    const generator = JSON.parse(exportOpenAiChatJsonl([agent0.generator[0]!])) as { messages: object[] };
    expect(generator.messages).toEqual([...agent0.generator[0]!.prompt, agent0.generator[0]!.completion]);
  });

  it('keeps text byte for byte', () => {
    const example = JSON.parse(exportOpenAiChatJsonl([tricky])) as { messages: { content: string }[] };
    expect(example.messages.map((message) => message.content)).toEqual(['be brief', awkward, awkward]);
  });
});

describe('TRL conversational prompt–completion JSONL', () => {
  it("follows the format's rules for every row", () => {
    const text = exportTrlPromptCompletionJsonl(allRows);
    expect(trlPromptCompletionViolations(text)).toEqual([]);
    expect(text.split('\n')).toHaveLength(allRows.length + 1);
  });

  it('puts the conversation before the final reply in the prompt and the reply alone in the completion', () => {
    expect(JSON.parse(exportTrlPromptCompletionJsonl([critic]))).toEqual({
      prompt: critic.prompt,
      completion: [{ role: 'assistant', content: critic.completion.content }],
    });
    const example = JSON.parse(exportTrlPromptCompletionJsonl([tricky])) as { completion: { content: string }[] };
    expect(example.completion[0]?.content).toBe(awkward);
  });
});

describe('ShareGPT / FastChat JSON', () => {
  it("follows the format's rules for every row, with ids unique in a pooled file", () => {
    const text = exportShareGptJson(allRows);
    expect(shareGptViolations(text)).toEqual([]);
    expect(JSON.parse(text)).toHaveLength(allRows.length);
    expect(exportShareGptJson([])).toBe('[]\n');
  });

  it('maps user → human, assistant → gpt, system → system, in order', () => {
    const [entry] = JSON.parse(exportShareGptJson([critic, tricky])) as {
      id: string;
      conversations: { from: string; value: string }[];
    }[];
    expect(entry).toEqual({
      id: 'critic-confirmed/agent-0/p1',
      conversations: [...critic.prompt, critic.completion].map((message) => ({
        from: message.role === 'user' ? 'human' : 'gpt',
        value: message.content,
      })),
    });
    const second = (JSON.parse(exportShareGptJson([tricky])) as { conversations: { from: string }[] }[])[0];
    expect(second?.conversations.map((turn) => turn.from)).toEqual(['system', 'human', 'gpt']);
  });
});

describe('the rule checkers catch what they should', () => {
  it('flags broken examples in each format', () => {
    expect(
      openAiChatViolations(
        '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":0}]}\n',
      ),
    ).toContain('line 1: no trained assistant message');
    expect(
      openAiChatViolations('{"messages":[{"role":"user","content":""},{"role":"assistant","content":"a"}]}\n'),
    ).toContain('line 1: missing content');
    expect(
      openAiChatViolations(
        '{"messages":[{"role":"user","content":"q","weight":0},{"role":"assistant","content":"a"}]}\n',
      ),
    ).toContain('line 1: bad weight');
    expect(trlPromptCompletionViolations('{"prompt":[{"role":"user","content":"q"}],"completion":"a"}\n')).toContain(
      'line 1: completion is not one assistant message',
    );
    expect(shareGptViolations('[{"id":"a","conversations":[{"from":"gpt","value":"x"}]}]')).toContain(
      'entry 0: turns do not alternate human, gpt',
    );
    const blank = makeTranscript('z', [['1']], ['1'], { texts: { '1:0': '' } });
    expect(
      buildSocietyDatasets([blank], { iteration: 1, correctedShare: 0.5, criticMix: 'w', seed: 0 }).agents[0]
        ?.generator,
    ).toEqual([]);
  });
});
