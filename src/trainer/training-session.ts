/**
 * A loaded model ready to train: base weights, trainable tensors (LoRA A/B, or every weight in full mode), the
 * AdamW state, and graphs built lazily once per batch shape (windows × window length) and then reused.
 * Everything ggml allocates is freed by `dispose`.
 */
import { MaftError } from '../errors/maft-error.js';
import { createCpuBackend, type CpuBackend } from './ggml/cpu-backend.js';
import { readFloats, writeTensor } from './ggml/tensors.js';
import type { WindowArrays } from './data/pack-windows.js';
import type { ForwardShape } from './graph/forward.js';
import { createLogitsGraph, type LogitsGraph } from './graph/logits-graph.js';
import { createTrainingGraph, type StepResult, type TrainingGraph } from './graph/training-graph.js';
import { createLoraWeights, type LoraOptions, type LoraSet } from './lora/lora-weights.js';
import { createTransposedWeights } from './graph/transposed-weights.js';
import { blockMatrix, blockMatrixNames } from './model/model-weights.js';
import { loadModel, type LoadedModel } from './model/load-model.js';
import {
  createAdamWState,
  type AdamWSettings,
  type AdamWState,
  type TrainableTensor,
} from './optimizer/adamw-state.js';

/** Graphs kept built per session (each holds its own compute buffers, growing with the window length squared). */
const cachedGraphs = 4;

export interface TrainingSessionOptions {
  readonly modelPath: string;
  /** `lora`: train adapters on a frozen base; `full`: train every tensor, embeddings included. */
  readonly mode: 'lora' | 'full';
  /** Required in LoRA mode. */
  readonly lora?: LoraOptions;
  readonly optimizer?: AdamWSettings;
  /** Global gradient-norm clip; 0 = none. */
  readonly maxGradientNorm?: number;
  /** Full mode: which model tensors train (default all, embeddings included); e.g. only the top layers. */
  readonly trainTensor?: (name: string) => boolean;
  /** ggml CPU threads. Required: ggml's workers spin, so more threads than free cores is very slow. */
  readonly threads: number;
}

export interface TrainingSession {
  readonly model: LoadedModel;
  readonly lora: LoraSet | undefined;
  readonly trainable: readonly TrainableTensor[];
  readonly optimizer: AdamWState;
  /** Logits of B windows (row-major, vocabulary fastest). */
  logits(windows: readonly WindowArrays[]): Float32Array;
  /**
   * Loss and gradients without an update (for checks), by the hand-written backward pass or by ggml's autodiff.
   * `gradient` reads the graph's current values: read them all before the next run.
   */
  lossAndGradients(
    windows: readonly WindowArrays[],
    backward?: 'manual' | 'autodiff',
  ): StepResult & { gradient(name: string): Float32Array };
  /** One optimizer step on B windows at the given learning rate. */
  step(windows: readonly WindowArrays[], learningRate: number): StepResult;
  readTrainable(name: string): Float32Array;
  writeTrainable(name: string, values: Float32Array): void;
  dispose(): void;
}

export async function openTrainingSession(options: TrainingSessionOptions): Promise<TrainingSession> {
  const cpu: CpuBackend = createCpuBackend(options.threads);
  const disposables: { dispose(): void }[] = [cpu];
  try {
    const model = await loadModel(cpu, options.modelPath, { precision: options.mode === 'full' ? 'f32' : 'file' });
    disposables.push(model);
    let lora: LoraSet | undefined;
    let trainable: TrainableTensor[];
    if (options.mode === 'lora') {
      if (options.lora === undefined)
        throw new MaftError('CONFIG_INVALID', 'LoRA mode needs lora options', { field: 'lora' });
      const adapters = createLoraWeights(cpu, model.weights, options.lora);
      disposables.push(adapters);
      lora = adapters;
      trainable = [...adapters.targets.values()].flatMap((target) => [
        { name: `${target.name}.lora_a`, handle: target.a, shape: [target.inputSize, adapters.rank], decay: true },
        { name: `${target.name}.lora_b`, handle: target.b, shape: [adapters.rank, target.outputSize], decay: true },
      ]);
    } else {
      trainable = [...model.weights.all.values()]
        .filter((tensor) => tensor !== model.weights.ropeFrequencies && (options.trainTensor?.(tensor.name) ?? true))
        .map((tensor) => ({
          name: tensor.name,
          handle: tensor.handle,
          shape: tensor.shape,
          decay: tensor.shape.length >= 2,
        }));
    }
    // LoRA mode: the base never changes, so the backward pass gets its transposed matrices made once.
    const transposedWeights =
      options.mode === 'lora'
        ? createTransposedWeights(cpu, [
            ...model.weights.layers.flatMap((layer) => blockMatrixNames.map((name) => blockMatrix(layer, name))),
            model.weights.output,
          ])
        : undefined;
    if (transposedWeights !== undefined) disposables.push(transposedWeights);
    const optimizer = createAdamWState(cpu, trainable, options.optimizer);
    disposables.push(optimizer);
    const byName = new Map(trainable.map((tensor) => [tensor.name, tensor]));
    const { hyperparameters, weights } = model;

    const cache = new Map<string, LogitsGraph | TrainingGraph>(); // in order of last use
    const cached = <Graph extends LogitsGraph | TrainingGraph>(
      kind: string,
      windows: readonly WindowArrays[],
      build: (shape: ForwardShape) => Graph,
    ): Graph => {
      const shape = { windows: windows.length, windowLength: windows[0]?.tokens.length ?? 0 };
      const key = `${kind}:${shape.windows}x${shape.windowLength}`;
      let graph = cache.get(key) as Graph | undefined;
      if (graph === undefined) {
        graph = build(shape);
        // A trimmed step's length varies (train.ts): keep the few shapes used last, and free the rest's buffers.
        if (cache.size >= cachedGraphs) {
          const [oldestKey, oldest] = cache.entries().next().value as [string, LogitsGraph | TrainingGraph];
          oldest.dispose();
          cache.delete(oldestKey);
        }
      } else cache.delete(key);
      cache.set(key, graph); // most recently used last
      return graph;
    };
    const trainableTensor = (name: string): TrainableTensor => {
      const tensor = byName.get(name);
      if (tensor === undefined) throw new MaftError('INTERNAL', `no trainable tensor ${name}`);
      return tensor;
    };
    const common = {
      hyperparameters,
      weights,
      trainable,
      ...(lora === undefined ? {} : { lora }),
      ...(transposedWeights === undefined ? {} : { transposedWeights: transposedWeights.byName }),
    };
    return {
      model,
      lora,
      trainable,
      optimizer,
      logits: (windows) =>
        cached('logits', windows, (shape) => createLogitsGraph(cpu, hyperparameters, weights, lora, shape)).compute(
          windows,
        ),
      lossAndGradients(windows, backward = 'manual') {
        const graph = cached(`gradients-${backward}`, windows, (shape) =>
          createTrainingGraph(cpu, { ...common, shape, backward }),
        );
        const result = graph.run(windows);
        return { ...result, gradient: (name: string) => graph.gradient(name) };
      },
      step(windows, learningRate) {
        const graph = cached('step', windows, (shape) =>
          createTrainingGraph(cpu, { ...common, shape, optimizer, maxGradientNorm: options.maxGradientNorm ?? 0 }),
        );
        optimizer.beginStep(learningRate);
        return graph.run(windows);
      },
      readTrainable: (name) => readFloats(cpu.api, trainableTensor(name).handle),
      writeTrainable: (name, values) => writeTensor(cpu.api, trainableTensor(name).handle, values),
      dispose(): void {
        for (const graph of cache.values()) graph.dispose();
        cache.clear();
        for (const disposable of disposables.reverse()) disposable.dispose();
        disposables.length = 0;
      },
    };
  } catch (error) {
    for (const disposable of disposables.reverse()) disposable.dispose();
    throw error;
  }
}
