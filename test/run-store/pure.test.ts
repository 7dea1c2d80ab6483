import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from '../../src/run-store/canonical-json.js';
import { describeConfigDifferences, diffConfigs } from '../../src/run-store/config-diff.js';
import { assertNoSecrets, findSecrets, isSecretKey } from '../../src/run-store/secrets.js';
import { caught } from '../tasks/expect-error.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":null,"z":true}]},"b":1}',
    );
    expect(canonicalHash({ x: 1, y: 2 })).toBe(canonicalHash({ y: 2, x: 1 }));
    expect(canonicalHash({ x: 1 })).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalHash({ x: 1 })).not.toBe(canonicalHash({ x: '1' }));
  });

  it('refuses what JSON would silently change', async () => {
    expect((await caught(() => canonicalJson({ sampling: { temperature: Number.NaN } }))).toOneLine()).toBe(
      'sampling.temperature: cannot write NaN as canonical JSON',
    );
    expect((await caught(() => canonicalJson([1, undefined]))).location.field).toBe('[1]');
    expect((await caught(() => canonicalJson({ at: new Date(0) }))).message).toContain('Date');
  });
});

describe('config differences', () => {
  it('names each differing path with both values', () => {
    const before = { agents: 3, sampling: { temperature: 1, topP: 0.9 }, models: ['a', 'b'], task: 'gsm8k' };
    const after = { task: 'gsm8k', models: ['a', 'c', 'd'], sampling: { topP: 0.9, temperature: 0.7 }, agents: 5 };
    expect(describeConfigDifferences(diffConfigs(before, after))).toBe(
      'agents: 3 → 5; models[1]: "b" → "c"; models[2]: (absent) → "d"; sampling.temperature: 1 → 0.7',
    );
    expect(diffConfigs({ a: { b: [1, 2] }, c: 'x' }, { c: 'x', a: { b: [1, 2] } })).toEqual([]);
    expect(describeConfigDifferences(diffConfigs({ seed: 1, old: true }, { seed: '1' }))).toBe(
      'old: true → (absent); seed: 1 → "1"',
    );
  });

  it('keeps the message short', () => {
    const before = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`k${index}`, index]));
    const message = describeConfigDifferences(diffConfigs(before, {}), 2);
    expect(message).toBe('k0: 0 → (absent); k1: 1 → (absent); … and 10 more');
    expect(describeConfigDifferences(diffConfigs({ p: 'x'.repeat(100) }, { p: 1 }))).toMatch(/^p: "x{56}\.\.\. → 1$/);
  });
});

describe('secrets', () => {
  it('tells secret-named keys from look-alikes', () => {
    for (const key of [
      'apiKey',
      'api_key',
      'OPENAI_API_KEY',
      'token',
      'hfToken',
      'clientSecret',
      'password',
      'accessKey',
      'privateKey',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      'maxTokens',
      'promptTokens',
      'tokenizer',
      'apiKeyEnv',
      'tokenFile',
      'keyField',
      'apiBase',
      'secretName',
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('refuses a config holding secret values, naming every path', async () => {
    const config = {
      backends: [{ kind: 'openai', apiKey: 'sk-123', apiKeyEnv: 'OPENAI_API_KEY' }],
      trainer: { token: '', hfToken: 'hf_x' },
      sampling: { maxTokens: 512 },
    };
    expect(findSecrets(config)).toEqual(['backends[0].apiKey', 'trainer.hfToken']);
    const error = await caught(() => assertNoSecrets(config));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('backends[0].apiKey, trainer.hfToken');
    expect(() => assertNoSecrets({ apiKey: null, token: '', sampling: { maxTokens: 1 } })).not.toThrow();
  });
});
