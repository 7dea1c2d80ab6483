import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceDocument } from '../../src/config/config-reference.js';

describe('docs/config-reference.md', () => {
  it('is what the schemas generate (run `npx tsx scripts/config-reference.ts` after changing a schema)', () => {
    expect(readFileSync(new URL('../../docs/config-reference.md', import.meta.url), 'utf8')).toBe(
      configReferenceDocument(),
    );
  });

  it('documents every field of maft run', () => {
    const text = configReferenceDocument();
    for (const field of [
      'iterations',
      'methods',
      'finetune.correctedShare',
      'finetune.from',
      'finetune.critics',
      'trainer.rank (embedded)',
      'trainer.apiKeyEnv (openai)',
      'backend.baseUrl (openai)',
      'split.evalCount',
    ]) {
      expect(text).toContain(`\`${field}\``);
    }
    expect(text).not.toMatch(/\| {2}\|\n/); // no field without a meaning
  });
});
