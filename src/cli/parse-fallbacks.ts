import { MaftError } from '../errors/maft-error.js';
import { answerFallbacks, type AnswerFallback } from '../grading/extract-answer.js';

/** `--fallbacks hashes,final-line` → the list; `none` → no fallbacks. */
export function parseFallbacks(text: string): AnswerFallback[] {
  if (text.trim() === 'none') return [];
  return text.split(',').map((name) => {
    const trimmed = name.trim();
    if (!(answerFallbacks as readonly string[]).includes(trimmed)) {
      throw new MaftError(
        'CONFIG_INVALID',
        `unknown fallback "${trimmed}"; expected a comma-separated list of ${answerFallbacks.join(', ')}, or none`,
        { field: 'fallbacks' },
      );
    }
    return trimmed as AnswerFallback;
  });
}
