/** The pure parts of maft serve: request checks, messages → problem, served names, admission, API keys. */
import { describe, expect, it } from 'vitest';
import { Admission } from '../../src/serve/admission.js';
import { createKeyCheck, isLoopbackHost } from '../../src/serve/api-key.js';
import { parseChatRequest } from '../../src/serve/chat-request.js';
import { problemFromMessages, questionFromMessages } from '../../src/serve/problem-from-messages.js';
import { resolveModelName, servedCatalog, servedModelNames } from '../../src/serve/served-models.js';
import type { RegistryEntry } from '../../src/finetune/model-registry.js';

const limits = { maxMessageChars: 100, maxMessages: 4 };

describe('parseChatRequest', () => {
  it('maps OpenAI fields to sampling overrides, max_completion_tokens first', () => {
    const request = parseChatRequest(
      {
        model: 'society',
        messages: [{ role: 'user', content: [{ type: 'text', text: '1+1' }] }],
        temperature: 0.5,
        top_p: 0.8,
        max_tokens: 9,
        max_completion_tokens: 7,
        seed: 3,
        stream: true,
        stream_options: { include_usage: true },
      },
      limits,
    );
    expect(request).toEqual({
      model: 'society',
      messages: [{ role: 'user', content: '1+1' }],
      sampling: { temperature: 0.5, topP: 0.8, maxTokens: 7, seed: 3 },
      stream: true,
      includeUsage: true,
    });
  });

  it.each([
    [{ model: 'society', messages: [{ role: 'user', content: 'x' }], n: 2 }, 400, 'n'],
    [{ model: 'society', messages: [{ role: 'tool', content: 'x' }] }, 400, 'messages.0'],
    [
      {
        model: 'society',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }],
      },
      400,
      'messages.0',
    ],
    [{ model: 'society', messages: [{ role: 'user', content: 'x' }], adapter: 'a.gguf' }, 400, 'adapter'],
    [
      { model: 'society', messages: Array.from({ length: 5 }, () => ({ role: 'user', content: 'x' })) },
      413,
      'messages',
    ],
    [{ model: 'society', messages: [{ role: 'user', content: 'x'.repeat(101) }] }, 413, 'messages.0.content'],
  ])('refuses %j', (body, status, param) => {
    let caught: unknown;
    try {
      parseChatRequest(body, limits);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ status, param: expect.stringContaining(param) });
  });
});

describe('the problem a conversation is', () => {
  it('one user message is the question as it is; a conversation is its messages as labelled paragraphs', () => {
    expect(questionFromMessages([{ role: 'user', content: 'What is 2+2?' }])).toBe('What is 2+2?');
    expect(
      questionFromMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4' },
        { role: 'user', content: 'And 3+3?' },
      ]),
    ).toBe('System: Be brief.\n\nUser: What is 2+2?\n\nAssistant: 4\n\nUser: And 3+3?');
    const problem = problemFromMessages([{ role: 'user', content: 'What is 2+2?' }], 'arithmetic', 'numeric');
    expect(problem).toMatchObject({ task: 'arithmetic', answerType: 'numeric', answer: '' });
    expect(problemFromMessages([{ role: 'user', content: 'What is 2+2?' }], 'arithmetic', 'numeric').id).toBe(
      problem.id,
    );
  });
});

describe('served names', () => {
  const entry = (
    method: RegistryEntry['method'],
    iteration: number,
    agent: number | null,
    role: RegistryEntry['role'],
    status: RegistryEntry['status'] = 'succeeded',
  ): RegistryEntry => ({
    method,
    iteration,
    agent,
    role,
    status,
    base: 'base.gguf',
    rows: 1,
    dataHash: '',
    trainer: {},
    versions: { maft: '', nodeLlamaCpp: '' },
    updatedAt: '',
    ...(status === 'succeeded'
      ? {
          adapter: `models/${method}/iteration-${iteration}/${agent === null ? 'model' : `agent-${agent}-${role}`}.gguf`,
        }
      : {}),
  });
  const shape = { agents: 2, rounds: 2, critics: true };

  it('the base society alone when nothing was trained', () => {
    const catalog = servedCatalog(['multiagent-ft'], 2, { entries: [] }, shape);
    expect(servedModelNames(catalog)).toEqual([
      'society',
      'society@base',
      'agent-0/generator',
      'agent-0/critic',
      'agent-1/generator',
      'agent-1/critic',
    ]);
    expect(resolveModelName(catalog, 'society')).toMatchObject({ kind: 'society', society: { name: 'society@base' } });
  });

  it('society = the last multiagent-ft iteration; every trained (method, iteration) is a society; agents use its adapters', () => {
    const registry = {
      entries: [
        entry('multiagent-ft', 1, 0, 'generator'),
        entry('multiagent-ft', 2, 1, 'critic'),
        entry('multiagent-ft', 3, 0, 'critic', 'failed'),
        entry('star', 1, null, 'single'),
      ],
    };
    const catalog = servedCatalog(['multiagent-ft', 'star'], 3, registry, shape);
    expect(catalog.societies.map((society) => society.name)).toEqual([
      'society@base',
      'society@multiagent-ft/1',
      'society@multiagent-ft/2',
      'society@star/1',
    ]);
    expect(catalog.defaultSociety.name).toBe('society@multiagent-ft/2');
    // Iteration 2 keeps agent 0's generator of iteration 1 (no newer one) and has agent 1's new critic.
    expect(catalog.defaultSociety.plan.agents).toEqual([
      { generator: { adapter: 'models/multiagent-ft/iteration-1/agent-0-generator.gguf' } },
      { critic: { adapter: 'models/multiagent-ft/iteration-2/agent-1-critic.gguf' } },
    ]);
    expect(catalog.societies.find((society) => society.name === 'society@star/1')?.plan).toMatchObject({
      rounds: 1,
      agents: [{ generator: { adapter: 'models/star/iteration-1/model.gguf' } }],
    });
    expect(resolveModelName(catalog, 'agent-1/critic')).toMatchObject({
      kind: 'agent',
      model: { agent: 1, role: 'critic' },
    });
    for (const name of ['models/star/iteration-1/model.gguf', 'society@multiagent-ft/3', 'agent-2/critic', 'Society'])
      expect(resolveModelName(catalog, name)).toBeUndefined();
  });
});

describe('admission', () => {
  it('runs up to the limit, queues up to the queue size, refuses past it, and a waiter can leave', async () => {
    const admission = new Admission(1, 1);
    const never = new AbortController().signal;
    const first = await admission.tryEnter(never)!;
    const leaving = new AbortController();
    const second = admission.tryEnter(leaving.signal)!;
    expect(admission.tryEnter(never)).toBeUndefined();
    expect(admission.stats()).toEqual({ running: 1, queued: 1 });
    leaving.abort(new Error('gone'));
    await expect(second).rejects.toThrow('gone');
    const third = admission.tryEnter(never)!;
    first();
    first();
    const release = await third;
    expect(admission.stats()).toEqual({ running: 1, queued: 0 });
    release();
    expect(admission.stats()).toEqual({ running: 0, queued: 0 });
    expect(admission.retryAfterSeconds()).toBeGreaterThanOrEqual(1);
  });
});

describe('API keys', () => {
  it('accepts only the exact key as a bearer token; no key configured: everything passes', () => {
    const check = createKeyCheck('sk-abc');
    expect(check('Bearer sk-abc')).toBe(true);
    for (const header of [undefined, '', 'Bearer sk-ab', 'Bearer sk-abcd', 'sk-abc', 'Basic sk-abc'])
      expect(check(header)).toBe(false);
    expect(createKeyCheck(undefined)(undefined)).toBe(true);
    expect(['127.0.0.1', 'localhost', '::1', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.org'].some(isLoopbackHost)).toBe(false);
  });
});
