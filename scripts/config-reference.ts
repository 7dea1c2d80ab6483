/**
 * Regenerate docs/config-reference.md from the zod schemas (a test checks it is current):
 *   npx tsx scripts/config-reference.ts
 */
import { writeFileSync } from 'node:fs';
import { configReferenceDocument } from '../src/config/config-reference.js';

writeFileSync(new URL('../docs/config-reference.md', import.meta.url), configReferenceDocument());
