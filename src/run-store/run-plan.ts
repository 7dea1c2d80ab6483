/**
 * The stages of a `maft run`, in the order they run (pure: config in, list out). A stage's id is also its
 * name in the run directory: its manifest marker and, for debates, its records file (`records/<id>.jsonl`).
 *
 *   base/eval                        the base society debates the held-out split: base, majority, debate, and
 *                                    iteration 0 of every finetuning method
 *   base/finetune                    the base society debates the finetune split: iteration 1's data
 *   <method>/iteration-<k>/finetune  k ≥ 2 (STaR: k ≥ 1): the method's own models of iteration k−1 answer the
 *                                    finetune split (STaR: one answer, retried with a hint when wrong)
 *   <method>/iteration-<k>/data      the training rows of iteration k
 *   <method>/iteration-<k>/train     the method's models of iteration k
 *   <method>/iteration-<k>/eval      they answer the held-out split
 *   <method>/iteration-<k>/diversity their held-out debates read back on a sample (base/diversity for the base
 *                                    society): docs/diversity.md; only for societies of ≥ 2 agents, when
 *                                    `diversity.problems` > 0
 *
 * Iteration k of every method runs before iteration k+1 of any, so the results fill in a comparable order.
 */
import { finetuneMethods, methodShapes, type FinetuneMethod, type MethodName } from '../spec/methods.js';

export type StageKind = 'debate' | 'star-attempts' | 'data' | 'train' | 'diversity';

export interface PlannedStage {
  id: string;
  kind: StageKind;
  /** `base` for the base society's debates. */
  method: 'base' | FinetuneMethod;
  /** The finetuning iteration the stage belongs to (0 for the base society). */
  iteration: number;
  /** Debates and STaR attempts: the split answered. */
  split?: 'finetune' | 'eval';
  /** Debates and STaR attempts: the iteration whose models answer (k − 1 on the finetune split, k on eval). */
  modelsOf?: number;
}

export interface RunPlanInput {
  methods: readonly MethodName[];
  iterations: number;
  /** STaR's own iteration count (Zelikman et al.); default: `iterations`. */
  star?: { iterations?: number | undefined };
  /** Diversity stages read back this many held-out debates (0 or absent: none). */
  diversity?: { problems?: number | undefined };
  /** The society's size (diversity needs ≥ 2 agents). Default 3. */
  society?: { agents?: number | undefined };
}

/** How many iterations a method runs: L, or STaR's own count. */
export function methodIterations(input: RunPlanInput, method: FinetuneMethod): number {
  return method === 'star' ? (input.star?.iterations ?? input.iterations) : input.iterations;
}

/** The last iteration of any method of the run. */
export function lastIteration(input: RunPlanInput): number {
  return Math.max(0, ...finetuneMethodsOf(input.methods).map((method) => methodIterations(input, method)));
}

export const baseEvalStage = 'base/eval';
export const baseFinetuneStage = 'base/finetune';
export const baseDiversityStage = 'base/diversity';

/** Whether `method`'s held-out debates get a diversity stage (`base`: the base society's). */
export function measuresDiversity(input: RunPlanInput, method: 'base' | FinetuneMethod): boolean {
  if ((input.diversity?.problems ?? 0) <= 0 || (input.society?.agents ?? 3) < 2) return false;
  return method === 'base' || methodShapes[method].agents === 'society';
}

export function stageId(
  method: FinetuneMethod,
  iteration: number,
  part: 'finetune' | 'data' | 'train' | 'eval' | 'diversity',
): string {
  return `${method}/iteration-${iteration}/${part}`;
}

/** The directory (artifact name prefix) of a method's training data at an iteration: rows/, exports, summary.json. */
export function datasetDirectory(method: FinetuneMethod, iteration: number): string {
  return `data/${method}/iteration-${iteration}`;
}

/** The finetuning methods of a run, in canonical order. */
export function finetuneMethodsOf(methods: readonly MethodName[]): FinetuneMethod[] {
  return finetuneMethods.filter((method) => methods.includes(method));
}

/** Whether the base society's finetune-split debate is needed (iteration 1 of a debate-data method). */
export function needsBaseFinetuneDebate(input: RunPlanInput): boolean {
  return input.iterations >= 1 && finetuneMethodsOf(input.methods).some((method) => method !== 'star');
}

/** The stage whose records give `method`'s iteration-k data. */
export function dataSourceStage(method: FinetuneMethod, iteration: number): string {
  return iteration === 1 && method !== 'star' ? baseFinetuneStage : stageId(method, iteration, 'finetune');
}

export function planRun(input: RunPlanInput): PlannedStage[] {
  const stages: PlannedStage[] = [
    { id: baseEvalStage, kind: 'debate', method: 'base', iteration: 0, split: 'eval', modelsOf: 0 },
  ];
  if (measuresDiversity(input, 'base'))
    stages.push({ id: baseDiversityStage, kind: 'diversity', method: 'base', iteration: 0, modelsOf: 0 });
  if (needsBaseFinetuneDebate(input))
    stages.push({
      id: baseFinetuneStage,
      kind: 'debate',
      method: 'base',
      iteration: 0,
      split: 'finetune',
      modelsOf: 0,
    });
  const methods = finetuneMethodsOf(input.methods);
  for (let iteration = 1; iteration <= lastIteration(input); iteration++) {
    for (const method of methods) {
      if (iteration > methodIterations(input, method)) continue;
      if (method === 'star') {
        stages.push({
          id: stageId(method, iteration, 'finetune'),
          kind: 'star-attempts',
          method,
          iteration,
          split: 'finetune',
          modelsOf: iteration - 1,
        });
      } else if (iteration >= 2) {
        stages.push({
          id: stageId(method, iteration, 'finetune'),
          kind: 'debate',
          method,
          iteration,
          split: 'finetune',
          modelsOf: iteration - 1,
        });
      }
      stages.push({ id: stageId(method, iteration, 'data'), kind: 'data', method, iteration });
      stages.push({ id: stageId(method, iteration, 'train'), kind: 'train', method, iteration });
      stages.push({
        id: stageId(method, iteration, 'eval'),
        kind: 'debate',
        method,
        iteration,
        split: 'eval',
        modelsOf: iteration,
      });
      if (measuresDiversity(input, method))
        stages.push({
          id: stageId(method, iteration, 'diversity'),
          kind: 'diversity',
          method,
          iteration,
          modelsOf: iteration,
        });
    }
  }
  return stages;
}
