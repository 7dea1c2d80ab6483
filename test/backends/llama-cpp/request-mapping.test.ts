/** The pure half of the llama.cpp backend: request → LlamaChat settings, response → ChatResponse parts. */
import { describe, expect, it } from 'vitest';
import { isMaftError } from '../../../src/errors/maft-error.js';
import {
  collectThoughts,
  resolveGeneration,
  toChatHistory,
  toFinishReason,
} from '../../../src/backends/llama-cpp/request-mapping.js';
import { SharedResources } from '../../../src/backends/llama-cpp/shared-resources.js';

describe('toChatHistory', () => {
  it('maps roles and always ends with an empty model turn', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: '2+3?' },
      ]),
    ).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello'] },
      { type: 'user', text: '2+3?' },
      { type: 'model', response: [] },
    ]);
  });

  it('refuses an empty conversation and unknown roles', () => {
    expect(() => toChatHistory([])).toThrow(/at least one message/);
    expect(() => toChatHistory([{ role: 'tool' as 'user', content: 'x' }])).toThrow('unknown chat role "tool"');
  });
});

describe('resolveGeneration', () => {
  const messages = [{ role: 'user' as const, content: 'Hi' }];

  it("uses maft's defaults, not node-llama-cpp's (greedy, top-k 40, top-p 0.95)", () => {
    const { settings, cappedByContext, warnings } = resolveGeneration({ messages, seed: 7 }, 100);
    expect(settings).toEqual({
      temperature: 1,
      topP: 1,
      topK: 0,
      minP: 0,
      seed: 7,
      maxTokens: 100,
      thoughtTokens: Infinity,
    });
    expect(cappedByContext).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('keeps a maxTokens that fits and caps one that does not', () => {
    expect(resolveGeneration({ messages, maxTokens: 10 }, 100)).toMatchObject({
      settings: { maxTokens: 10 },
      cappedByContext: false,
    });
    expect(resolveGeneration({ messages, maxTokens: 500 }, 100)).toMatchObject({
      settings: { maxTokens: 100 },
      cappedByContext: true,
    });
  });

  it('draws distinct random seeds when none is given and maps negative seeds to uint32', () => {
    const seeds = new Set(Array.from({ length: 20 }, () => resolveGeneration({ messages }, 10).settings.seed));
    expect(seeds.size).toBeGreaterThan(15);
    expect(resolveGeneration({ messages, seed: -1 }, 10).settings.seed).toBe(2 ** 32 - 1);
  });

  it('reads its providerOptions namespace and warns about the rest', () => {
    const { settings, warnings } = resolveGeneration(
      {
        messages,
        providerOptions: { llamaCpp: { topK: 40, minP: 0.05, thoughtTokens: 64, mirostat: 2 }, openai: { top_k: 1 } },
      },
      10,
    );
    expect(settings).toMatchObject({ topK: 40, minP: 0.05, thoughtTokens: 64 });
    expect(warnings).toEqual(['providerOptions.llamaCpp.mirostat=2 is not supported; ignored']);
  });

  it('rejects settings no backend could honour', () => {
    for (const bad of [
      { temperature: -1 },
      { topP: 0 },
      { topP: 1.5 },
      { maxTokens: 0 },
      { maxTokens: 2.5 },
      { seed: 0.5 },
    ]) {
      let caught: unknown;
      try {
        resolveGeneration({ messages, ...bad }, 10);
      } catch (error) {
        caught = error;
      }
      expect(isMaftError(caught) && caught.code).toBe('INPUT_INVALID');
    }
  });
});

describe('response mapping', () => {
  it('maps stop reasons to finish reasons', () => {
    expect(toFinishReason('eogToken')).toBe('stop');
    expect(toFinishReason('stopGenerationTrigger')).toBe('stop');
    expect(toFinishReason('maxTokens')).toBe('length');
    expect(toFinishReason('abort')).toBe('other');
  });

  it('collects thought segments and leaves plain replies without thoughts', () => {
    const segment = (text: string) => ({
      type: 'segment' as const,
      segmentType: 'thought' as const,
      text,
      ended: true,
      raw: [],
    });
    expect(collectThoughts(['answer'])).toBeUndefined();
    expect(collectThoughts([segment('a'), 'answer', segment('b')])).toBe('a\n\nb');
  });
});

describe('SharedResources', () => {
  it('creates once per key, shares concurrent acquires and disposes on the last release', async () => {
    const disposed: number[] = [];
    let next = 0;
    const resources = new SharedResources<number>(async (value) => void disposed.push(value));
    const create = async () => next++;
    const [first, second] = await Promise.all([resources.acquire('a', create), resources.acquire('a', create)]);
    expect([first, second]).toEqual([0, 0]);
    expect(await resources.acquire('b', create)).toBe(1);
    expect(resources.createdCount).toBe(2);
    await resources.release('a');
    expect(disposed).toEqual([]);
    await resources.release('a');
    expect(disposed).toEqual([0]);
    await resources.disposeAll();
    expect(disposed).toEqual([0, 1]);
    expect(resources.size).toBe(0);
  });

  it('does not cache a failed creation', async () => {
    const resources = new SharedResources<number>(async () => {});
    await expect(resources.acquire('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await resources.acquire('a', async () => 5)).toBe(5);
  });
});
