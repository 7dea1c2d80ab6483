import { z } from 'zod';
import { readConfigFile, validateConfig } from '../config/validate-config.js';
import type { AnswerType } from '../spec/problem.js';
import { defaultPromptTemplates, type PromptTemplates } from './prompts.js';

/** A prompts file (YAML or JSON) overrides any of the templates; each must keep its required placeholders. */
const templateWith = (...placeholders: string[]) =>
  z.string().refine((text) => placeholders.every((name) => text.includes(`{${name}}`)), {
    message: `must contain ${placeholders.map((name) => `{${name}}`).join(' and ')}`,
  });

const promptsFileSchema = z.strictObject({
  question: templateWith('question').optional(),
  debate: templateWith('responses').optional(),
  otherResponse: templateWith('response').optional(),
  debateWithSummary: templateWith('summary').optional(),
  summarize: templateWith('responses').optional(),
  selfCheck: z.string().optional(),
});

/** maft's templates for the answer type, with the file's overrides when a file is given. */
export function loadPromptTemplates(answerType: AnswerType, file?: string): PromptTemplates {
  const defaults = defaultPromptTemplates(answerType);
  if (file === undefined) return defaults;
  const overrides = validateConfig(promptsFileSchema, readConfigFile(file), `prompts file ${file}`);
  return { ...defaults, ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) };
}
