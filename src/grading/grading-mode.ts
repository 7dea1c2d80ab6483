/**
 * How answers are pulled out of a response and compared (docs/grading.md):
 *
 * - `default`: extraction by priorities (the last `\boxed{}`, then "the final answer is …" phrases, then the
 *   last LaTeX math, then the last number) and the MATH checker widened to forms models write (units and
 *   `\text{}` dropped, `x = 1`, sets in any order, matrices, inequalities, equal values such as `\frac{2}{2}`
 *   and `1`). This is what the vote, the finetuning data and the evaluation use unless a run asks otherwise.
 * - `paper`: exactly the paper's checker: the last box (with the configured fallbacks), then the reference
 *   MATH checker, so the paper's numbers reproduce.
 */
export type GradingMode = 'default' | 'paper';

export const gradingModes: readonly GradingMode[] = ['default', 'paper'];
