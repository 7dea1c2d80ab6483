import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestCache, requestKey, type CacheableRequest } from '../../src/run-store/request-cache.js';
import { temporaryDirectory } from './temporary-directory.js';

const directory = temporaryDirectory('cache');
const request: CacheableRequest = {
  modelId: 'qwen2.5-0.5b-instruct-q4',
  messages: [
    { role: 'system', content: 'Solve.' },
    { role: 'user', content: 'What is 2+3?' },
  ],
  sampling: { temperature: 1, topP: 0.9, maxTokens: 256, seed: 7 },
  sampleIndex: 0,
};

describe('request cache', () => {
  it('keys by the canonical request: key order and undefined fields do not matter, every setting does', () => {
    const reordered = {
      sampleIndex: 0,
      sampling: { seed: 7, maxTokens: 256, topP: 0.9, temperature: 1 },
      messages: request.messages,
      modelId: request.modelId,
    };
    expect(requestKey(reordered)).toBe(requestKey(request));
    expect(requestKey({ ...request, providerOptions: undefined })).toBe(requestKey(request));
    const variants: CacheableRequest[] = [
      { ...request, modelId: 'other' },
      { ...request, sampleIndex: 1 },
      { ...request, sampling: { ...request.sampling, seed: 8 } },
      { ...request, sampling: { ...request.sampling, temperature: 0.7 } },
      { ...request, messages: [...request.messages, { role: 'assistant', content: '5' }] },
      { ...request, providerOptions: { openai: { top_k: 40 } } },
    ];
    expect(new Set([request, ...variants].map(requestKey)).size).toBe(variants.length + 1);
  });

  it('stores, finds after reopen, keeps the first answer, and survives a torn tail', async () => {
    const file = path.join(directory, 'cache', 'requests.jsonl');
    const cache = RequestCache.open<{ text: string }>(file);
    expect(cache.get(request)).toBeUndefined();
    cache.put(request, { text: '5' });
    cache.put(request, { text: 'ignored' });
    let calls = 0;
    const compute = async (): Promise<{ text: string }> => ({ text: `computed ${++calls}` });
    expect(await cache.getOrCompute(request, compute)).toEqual({ text: '5' });
    expect(await cache.getOrCompute({ ...request, sampleIndex: 1 }, compute)).toEqual({ text: 'computed 1' });
    expect(calls).toBe(1);
    cache.close();
    appendFileSync(file, '{"key":"abc","requ');

    const reopened = RequestCache.open<{ text: string }>(file);
    expect(reopened.repair?.reason).toBe('no trailing newline');
    expect(reopened.size).toBe(2);
    expect(reopened.get({ ...request, sampling: { ...request.sampling } })).toEqual({ text: '5' });
    expect(await reopened.getOrCompute({ ...request, sampleIndex: 1 }, compute)).toEqual({ text: 'computed 1' });
    expect(calls).toBe(1);
    reopened.close();
    const first = JSON.parse(readFileSync(file, 'utf8').split('\n')[0] ?? '');
    expect(first).toEqual({ key: requestKey(request), request, response: { text: '5' } });
  });
});
