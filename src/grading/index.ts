/** Answer extraction and checking, pure. */
export { extractLastBoxed } from './boxed.js';
export { extractAnswer, type AnswerFallback, type ExtractionOptions } from './extract-answer.js';
export { isEquivalent } from './equivalence.js';
export { isMathEquivalent } from './math-equivalence.js';
export { isNumericEquivalent } from './numeric-value.js';
export { gradeResponse } from './grade-response.js';
