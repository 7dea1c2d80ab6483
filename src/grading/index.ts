/** Answer extraction and checking, pure. */
export { extractLastBoxed } from './boxed.js';
export { extractAnswer, explainExtraction, type AnswerFallback, type ExtractionOptions } from './extract-answer.js';
export { isEquivalent, explainEquivalence, type Verdict } from './equivalence.js';
export { isMathEquivalent } from './math-equivalence.js';
export { explainMathEquivalence } from './math-equivalence-wide.js';
export { isNumericEquivalent } from './numeric-value.js';
export { gradeResponse, explainResponse, type ExplainedGrade } from './grade-response.js';
export { gradingModes, type GradingMode } from './grading-mode.js';
