/**
 * `maft serve`'s contract, through the official openai SDK against createSocietyServer on the shipped model:
 * the debate behind `society`, its streaming, the extension field, the agent models, and the answers to bad,
 * unauthorised and oversized requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { DebateExtension } from '../../src/serve/debate-answer.js';
import { arithmeticQuestion, startTestServer, type TestServer } from './serve-helpers.js';

let served: TestServer;
beforeAll(async () => {
  served = await startTestServer({ maxBodyBytes: 4096, maxMessageChars: 1000 });
});
afterAll(async () => served?.close());

const question = [{ role: 'user' as const, content: arithmeticQuestion }];

describe('maft serve: the society as an OpenAI chat model', () => {
  it('lists every served model: society, the base society and each agent model', async () => {
    const ids = (await served.client().models.list()).data.map((model) => model.id);
    expect(ids).toEqual([
      'society',
      'society@base',
      'agent-0/generator',
      'agent-0/critic',
      'agent-1/generator',
      'agent-1/critic',
      'agent-2/generator',
      'agent-2/critic',
    ]);
  });

  it('answers with the final-round reply of an agent in the majority, the debate in `maft`, usage over every call', async () => {
    const completion = await served
      .client()
      .chat.completions.create({ model: 'society', messages: question, seed: 11 });
    const debate = (completion as unknown as { maft: DebateExtension }).maft;
    expect(completion.object).toBe('chat.completion');
    expect(debate.society).toBe('society@base');
    expect(debate.seed).toBe(11);
    expect(debate.question).toBe(arithmeticQuestion);
    expect(debate.rounds.map((round) => round.replies.map((reply) => `${reply.agent}:${reply.role}`))).toEqual([
      ['0:generator', '1:generator', '2:generator'],
      ['0:critic', '1:critic', '2:critic'],
    ]);
    // Rounds ≥ 2 carry the summary each critic was shown (the run's default: summarize on).
    expect(debate.rounds[1]?.replies.every((reply) => reply.summary !== undefined)).toBe(true);
    const finalRound = debate.rounds[1]!;
    const chosen = finalRound.replies.find((reply) => reply.agent === debate.chosen_agent)!;
    expect(completion.choices[0]?.message.content).toBe(chosen.text);
    if (finalRound.vote.winner !== null) {
      const winners = finalRound.vote.classes.find((group) => group.answer === finalRound.vote.winner)!;
      expect(winners.members).toContain(debate.chosen_agent);
      expect(debate.chosen_agent).toBe(Math.min(...winners.members));
      expect(debate.answer).toBe(finalRound.vote.winner);
    }
    const calls = debate.rounds.flatMap((round) =>
      round.replies.flatMap((reply) => [reply.usage, ...(reply.summary ? [reply.summary.usage] : [])]),
    );
    const sum = (key: 'prompt_tokens' | 'completion_tokens') => calls.reduce((total, usage) => total + usage[key], 0);
    expect(completion.usage).toEqual({
      prompt_tokens: sum('prompt_tokens'),
      completion_tokens: sum('completion_tokens'),
      total_tokens: sum('prompt_tokens') + sum('completion_tokens'),
    });
    expect(debate.tokens_per_agent.reduce((total, agent) => total + agent.completion_tokens, 0)).toBe(
      sum('completion_tokens'),
    );
    expect(served.log.at(-1)).toMatchObject({ outcome: 'ok', status: 200, model: 'society', calls: 9 });
    expect(served.log.at(-1)).not.toHaveProperty('messages');
  });

  it('streams progress events, then the answer as standard chunks, the usage last', async () => {
    const stream = await served.client().chat.completions.create({
      model: 'society',
      messages: question,
      seed: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: (ChatCompletionChunk & { maft?: { event?: string } & Partial<DebateExtension> })[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const events = chunks.filter((chunk) => chunk.maft?.event !== undefined).map((chunk) => chunk.maft?.event);
    expect(events[0]).toBe('start');
    expect(events.filter((event) => event === 'reply')).toHaveLength(6);
    expect(events.filter((event) => event === 'summary')).toHaveLength(3);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const final = chunks.find((chunk) => chunk.choices[0]?.finish_reason != null)!;
    const debate = final.maft as DebateExtension;
    expect(content).toBe(debate.rounds[1]?.replies.find((reply) => reply.agent === debate.chosen_agent)?.text);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('serves each agent model by name, answering the messages directly', async () => {
    const completion = await served
      .client()
      .chat.completions.create({ model: 'agent-1/generator', messages: question, max_tokens: 24, temperature: 0 });
    expect(completion.model).toBe('agent-1/generator');
    expect((completion as unknown as { maft: { agent: number; role: string } }).maft).toMatchObject({
      agent: 1,
      role: 'generator',
    });
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(24);
    expect(served.log.at(-1)).toMatchObject({ model: 'agent-1/generator', calls: 1 });
  });
});

/** A raw request (the SDK cannot send malformed JSON), answered with an OpenAI error body. */
async function rawPost(
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; error: { message: string; type: string; code: string; param: string | null } }> {
  const response = await fetch(`${served.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  const json = (await response.json()) as {
    error: { message: string; type: string; code: string; param: string | null };
  };
  return { status: response.status, error: json.error };
}

describe('maft serve: bad requests are 4xx with an OpenAI error body, and disturb nothing', () => {
  const cases: [string, string, number, string][] = [
    ['malformed JSON', '{"model": "society", "messages": [', 400, 'invalid_json'],
    ['an unknown model', JSON.stringify({ model: 'gpt-5', messages: question }), 404, 'model_not_found'],
    ['empty messages', JSON.stringify({ model: 'society', messages: [] }), 400, 'invalid_value'],
    [
      'a non-integer max_tokens',
      JSON.stringify({ model: 'society', messages: question, max_tokens: 1.5 }),
      400,
      'invalid_value',
    ],
    [
      'a model named by file path',
      JSON.stringify({ model: '../models/arithmetic-base.gguf', messages: question }),
      404,
      'model_not_found',
    ],
    [
      'an adapter path in the body',
      JSON.stringify({ model: 'society', messages: question, lora: [{ path: '/tmp/adapter.gguf', scale: 1 }] }),
      400,
      'unknown_parameter',
    ],
    [
      'a society the run never trained',
      JSON.stringify({ model: 'society@multiagent-ft/1', messages: question }),
      404,
      'model_not_found',
    ],
    [
      "a problem longer than the model's context",
      JSON.stringify({ model: 'society', messages: [{ role: 'user', content: '1+'.repeat(495) }] }),
      400,
      'context_length_exceeded',
    ],
    [
      'an assistant message last',
      JSON.stringify({ model: 'society', messages: [...question, { role: 'assistant', content: '7' }] }),
      400,
      'invalid_value',
    ],
  ];
  it.each(cases)('%s', async (_name, body, status, code) => {
    const answer = await rawPost(body);
    expect(answer.status).toBe(status);
    expect(answer.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
    expect(served.society.stats()).toMatchObject({ running: 0, queued: 0, activeGenerations: 0 });
  });

  it('names the offending parameter (the SDK raises BadRequestError)', async () => {
    const error = await served
      .client()
      .chat.completions.create({ model: 'society', messages: question, max_tokens: 2.5 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'max_tokens' });
  });

  it('an oversized body is 413, an oversized message too', async () => {
    const big = await rawPost(
      JSON.stringify({ model: 'society', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] }),
    );
    expect(big).toMatchObject({ status: 413, error: { code: 'request_too_large' } });
    const long = await served
      .client()
      .chat.completions.create({ model: 'society', messages: [{ role: 'user', content: '1+'.repeat(700) }] })
      .catch((caught: unknown) => caught);
    expect(long).toMatchObject({ status: 413, code: 'message_too_long' });
  });

  it('still answers after all of them', async () => {
    const completion = await served
      .client()
      .chat.completions.create({ model: 'agent-0/critic', messages: question, max_tokens: 8 });
    expect(completion.choices[0]?.message.role).toBe('assistant');
  });
});
