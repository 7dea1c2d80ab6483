// The pure parts of the OpenAI-compatible backend: request/response mapping, thoughts, retry timing, options.
import { describe, expect, it } from 'vitest';
import { isRetryableStatus, systemCodeOf } from '../../../src/backends/openai-compatible/classify-failure.js';
import { mapRequest } from '../../../src/backends/openai-compatible/map-request.js';
import {
  MalformedResponseError,
  mapFinishReason,
  mapResponse,
} from '../../../src/backends/openai-compatible/map-response.js';
import { resolveOptions } from '../../../src/backends/openai-compatible/options.js';
import { requestedWaitMs, retryDelayMs } from '../../../src/backends/openai-compatible/retry-delay.js';
import { Semaphore } from '../../../src/backends/openai-compatible/semaphore.js';
import { splitThoughts } from '../../../src/backends/openai-compatible/split-thoughts.js';
import { isMaftError } from '../../../src/errors/maft-error.js';
import { createRandom } from '../../../src/util/random.js';

const completion = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  model: 'served-name',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 11, completion_tokens: 5 },
  ...extra,
});

describe('mapRequest', () => {
  it('maps the flat options to the chat.completions body and leaves unset ones out', () => {
    const { body, warnings } = mapRequest('m', {
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 1,
      topP: 0.9,
      maxTokens: 64,
      seed: 7,
    });
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 1,
      top_p: 0.9,
      max_tokens: 64,
      seed: 7,
    });
    expect(warnings).toEqual([]);
    expect(Object.keys(mapRequest('m', { messages: [] }).body).sort()).toEqual(['messages', 'model']);
  });

  it('merges extraBody < providerOptions.openai < flat options, and refuses reserved fields with a warning', () => {
    const { body, warnings } = mapRequest(
      'm',
      {
        messages: [],
        temperature: 0.5,
        providerOptions: {
          openai: { top_k: 40, min_p: 0.05, temperature: 0.1, model: 'other', n: 3 },
          llamaCpp: { x: 1 },
        },
      },
      { top_k: 20, lora: [{ id: 0, scale: 1 }], stream: true },
    );
    expect(body).toEqual({
      model: 'm',
      messages: [],
      top_k: 40,
      min_p: 0.05,
      lora: [{ id: 0, scale: 1 }],
      temperature: 0.5,
    });
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toMatch(/extraBody\.stream ignored/);
    expect(warnings.join('\n')).toMatch(/providerOptions\.openai\.model ignored/);
    expect(warnings.join('\n')).toMatch(/temperature given twice/);
  });
});

describe('mapResponse', () => {
  it('maps text, finish reason, usage and the answering model', () => {
    expect(mapResponse(completion({ content: 'The answer is 4.' }), 'asked')).toEqual({
      text: 'The answer is 4.',
      finishReason: 'stop',
      usage: { promptTokens: 11, completionTokens: 5 },
      modelId: 'served-name',
      warnings: [],
    });
  });

  it('treats finish_reason length as a truncated answer and unknown reasons as other', () => {
    const body = completion({ content: 'partial' });
    body.choices[0]!.finish_reason = 'length';
    expect(mapResponse(body, 'asked').finishReason).toBe('length');
    expect(mapFinishReason('tool_calls')).toBe('other');
    expect(mapFinishReason(undefined)).toBe('other');
  });

  it('separates <think> prefixes and reasoning_content into thoughts', () => {
    expect(mapResponse(completion({ content: '<think>2+2 is 4</think>\n\n**4**' }), 'm')).toMatchObject({
      text: '**4**',
      thoughts: '2+2 is 4',
    });
    expect(mapResponse(completion({ content: 'hmm</think>4' }), 'm')).toMatchObject({ text: '4', thoughts: 'hmm' });
    expect(mapResponse(completion({ content: '4', reasoning_content: 'because' }), 'm')).toMatchObject({
      text: '4',
      thoughts: 'because',
    });
    const cut = mapResponse(completion({ content: '<think>still going' }), 'm');
    expect(cut).toMatchObject({ text: '', thoughts: 'still going' });
    expect(cut.warnings[0]).toMatch(/inside <think>/);
  });

  it('keeps a <think> that is not a prefix, fills missing usage and model with warnings', () => {
    expect(splitThoughts('use <think> tags')).toEqual({ text: 'use <think> tags', unterminated: false });
    const result = mapResponse({ choices: [{ message: { content: null }, finish_reason: 'stop' }] }, 'asked');
    expect(result).toMatchObject({ text: '', modelId: 'asked', usage: { promptTokens: 0, completionTokens: 0 } });
    expect(result.warnings).toEqual(['the server reported no token usage; counted as 0']);
  });

  it('rejects bodies that are not chat completions', () => {
    expect(() => mapResponse({ choices: [] }, 'm')).toThrow(MalformedResponseError);
    expect(() => mapResponse('<html>bad gateway</html>', 'm')).toThrow(
      /not a chat completion \(text "<html>bad gateway<\/html>"\)/,
    );
    expect(() => mapResponse({ error: { message: 'x' } }, 'm')).toThrow(/at choices/);
  });
});

describe('retry timing', () => {
  const policy = { initialBackoffMs: 100, maxBackoffMs: 1000, maxRetryAfterMs: 5000 };

  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    expect(requestedWaitMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(requestedWaitMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(requestedWaitMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(requestedWaitMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(requestedWaitMs(undefined)).toBeUndefined();
  });

  it('backs off exponentially with at most 25 % jitter, and caps server-requested waits', () => {
    const random = createRandom(1);
    for (let retry = 0; retry < 6; retry++) {
      const delay = retryDelayMs(retry, undefined, policy, random);
      const full = Math.min(100 * 2 ** retry, 1000);
      expect(delay).toBeGreaterThanOrEqual(full * 0.75);
      expect(delay).toBeLessThanOrEqual(full);
    }
    expect(retryDelayMs(0, 60_000, policy, random)).toBe(5000);
    expect(retryDelayMs(3, 1200, policy, random)).toBe(1200);
  });

  it('retries 408, 409, 429 and 5xx but not other 4xx or 501; x-should-retry overrides', () => {
    expect([408, 409, 429, 500, 502, 503, 504].every((status) => isRetryableStatus(status))).toBe(true);
    expect([400, 401, 403, 404, 422, 501].some((status) => isRetryableStatus(status))).toBe(false);
    expect(isRetryableStatus(400, new Headers({ 'x-should-retry': 'true' }))).toBe(true);
    expect(isRetryableStatus(503, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
  });

  it('finds the system error code in cause chains and aggregate errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(systemCodeOf(new TypeError('fetch failed', { cause: refused }))).toBe('ECONNREFUSED');
    expect(systemCodeOf(new TypeError('fetch failed', { cause: new AggregateError([refused]) }))).toBe('ECONNREFUSED');
    expect(systemCodeOf(new Error('plain'))).toBeUndefined();
  });
});

describe('options and the semaphore', () => {
  it('gives two adapters on one server different ids, independent of key order', () => {
    const base = { baseURL: 'http://127.0.0.1:8080/v1/', model: 'qwen', env: {} };
    const plain = resolveOptions(base);
    expect(plain.id).toBe('openai-compatible:qwen@http://127.0.0.1:8080/v1');
    expect(plain.apiKey).toBeUndefined();
    const a = resolveOptions({ ...base, extraBody: { lora: [{ id: 0, scale: 1 }], top_k: 5 } });
    const b = resolveOptions({ ...base, extraBody: { top_k: 5, lora: [{ scale: 1, id: 0 }] } });
    const c = resolveOptions({ ...base, extraBody: { lora: [{ id: 1, scale: 1 }], top_k: 5 } });
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
  });

  it('rejects bad options as CONFIG_INVALID naming the field', () => {
    const attempt = (options: Record<string, unknown>) => {
      try {
        resolveOptions({ baseURL: 'http://127.0.0.1:1/v1', model: 'm', ...options });
      } catch (error) {
        return isMaftError(error) ? `${error.code} ${error.toOneLine()}` : String(error);
      }
      return 'accepted';
    };
    expect(attempt({ concurrency: 0 })).toMatch(
      /^CONFIG_INVALID openai-compatible\.concurrency: expected an integer ≥ 1/,
    );
    expect(attempt({ baseURL: 'localhost:8080' })).toMatch(/openai-compatible\.baseURL/);
    expect(attempt({ baseURL: 'http://user:secret@host/v1' })).not.toMatch(/secret/);
    expect(attempt({ maxRetries: 0 })).toBe('accepted');
  });

  it('never hands out more slots than its limit, in arrival order, and lets waiters abort', async () => {
    const slots = new Semaphore(2);
    const order: number[] = [];
    const first = await slots.acquire();
    const second = await slots.acquire();
    const controller = new AbortController();
    const aborted = slots.acquire(controller.signal);
    const third = slots.acquire().then((release) => (order.push(3), release));
    const fourth = slots.acquire().then((release) => (order.push(4), release));
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    first();
    first(); // a second release of the same slot does nothing
    expect(slots.active).toBe(2);
    second();
    (await third)();
    (await fourth)();
    expect(order).toEqual([3, 4]);
    expect(slots.active).toBe(0);
  });
});
