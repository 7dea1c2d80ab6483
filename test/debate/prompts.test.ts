import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPromptTemplates } from '../../src/debate/load-prompt-templates.js';
import { defaultPromptTemplates, renderOtherResponses, renderPrompt } from '../../src/debate/prompts.js';
import { caught } from '../tasks/expect-error.js';
import { testDirectory } from '../run-store/temporary-directory.js';

describe('prompts', () => {
  it('fill placeholders once, leaving LaTeX braces and placeholder-like text in values alone', () => {
    const text = renderPrompt('Q: {question} / {summary}', { question: 'Find $\\frac{1}{2}$ of {summary}' });
    expect(text).toBe('Q: Find $\\frac{1}{2}$ of {summary} / {summary}');
  });

  it('ask every task for a boxed answer, letters for choice tasks', () => {
    expect(defaultPromptTemplates('numeric').question).toContain('\\boxed{answer}');
    expect(defaultPromptTemplates('choice').question).toContain('\\boxed{X}');
    const templates = defaultPromptTemplates('math');
    expect(renderOtherResponses(templates, ['A', 'B'])).toBe(
      "One agent's solution:\n```\nA\n```\n\nOne agent's solution:\n```\nB\n```",
    );
  });

  it('load overrides from a YAML file and refuse templates missing their placeholder', async () => {
    const directory = testDirectory('prompts');
    const good = path.join(directory, 'good.yaml');
    writeFileSync(good, 'question: "Compute {question}. Box it."\n');
    const templates = loadPromptTemplates('numeric', good);
    expect(templates.question).toBe('Compute {question}. Box it.');
    expect(templates.debate).toBe(defaultPromptTemplates('numeric').debate);
    const bad = path.join(directory, 'bad.yaml');
    writeFileSync(bad, 'debate: "no placeholder"\nquestionn: x\n');
    const error = await caught(() => loadPromptTemplates('numeric', bad));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('debate: must contain {responses}');
    expect(error.message).toContain('questionn');
  });
});
