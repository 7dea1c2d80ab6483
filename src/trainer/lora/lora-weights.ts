/**
 * LoRA weights: for each adapted base matrix W (ggml shape [in, out]), A of shape [in, rank] and B of shape
 * [rank, out], applied as W·x + (alpha/rank)·B·(A·x) — the layout and scale of GGUF LoRA adapters in
 * llama.cpp (src/llama-adapter.cpp, llama-graph.cpp build_lora_mm), so trained tensors are written out as
 * they are. Initialisation as in PEFT/Hu et al.: A uniform in ±1/√in (Kaiming-uniform with a = √5), B zero, so
 * training starts from the base model exactly.
 */
import { MaftError } from '../../errors/maft-error.js';
import { createRandom, deriveSeed } from '../../util/random.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { ggmlType, type TensorHandle } from '../ggml/handles.js';
import { createMetadataContext, newTensor, writeTensor } from '../ggml/tensors.js';
import { blockMatrix, blockMatrixNames, type BlockMatrixName, type ModelWeights } from '../model/model-weights.js';
import type { StoredAdapter } from './read-adapter.js';

export interface LoraOptions {
  /** Rank r of A and B. */
  readonly rank: number;
  /** alpha; the update is scaled by alpha/rank (llama.cpp: alpha 0 means a scale of 1). */
  readonly alpha: number;
  /** Which block matrices to adapt. Default all seven: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down. */
  readonly targets?: readonly BlockMatrixName[];
  /** Seed of A's initialisation. */
  readonly seed: number;
  /**
   * Start from these weights instead (an adapter read back with readLoraAdapter: same rank, same targets):
   * training continues where an earlier run stopped.
   */
  readonly initial?: StoredAdapter;
}

export interface LoraTarget {
  /** The adapted base tensor, e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly a: TensorHandle;
  readonly b: TensorHandle;
}

export interface LoraSet {
  readonly rank: number;
  readonly alpha: number;
  /** alpha/rank, or 1 when alpha is 0 (llama_adapter_lora_weight::get_scale). */
  readonly scale: number;
  /** By base tensor name. */
  readonly targets: ReadonlyMap<string, LoraTarget>;
  dispose(): void;
}

export function createLoraWeights(cpu: CpuBackend, weights: ModelWeights, options: LoraOptions): LoraSet {
  const { api } = cpu;
  const { rank, alpha } = options;
  if (!(Number.isInteger(rank) && rank >= 1))
    throw new MaftError('CONFIG_INVALID', `LoRA rank must be a positive integer, got ${rank}`, { field: 'lora.rank' });
  if (!(Number.isFinite(alpha) && alpha >= 0))
    throw new MaftError('CONFIG_INVALID', `LoRA alpha must be ≥ 0, got ${alpha}`, { field: 'lora.alpha' });
  const names = options.targets ?? blockMatrixNames;
  const context = createMetadataContext(api, 2 * names.length * weights.layers.length + 1);
  const targets = new Map<string, LoraTarget>();
  for (const layer of weights.layers) {
    for (const name of names) {
      const base = blockMatrix(layer, name);
      const [inputSize = 0, outputSize = 0] = base.shape;
      targets.set(base.name, {
        name: base.name,
        inputSize,
        outputSize,
        a: newTensor(api, context, ggmlType.F32, [inputSize, rank], `${base.name}.lora_a`),
        b: newTensor(api, context, ggmlType.F32, [rank, outputSize], `${base.name}.lora_b`),
      });
    }
  }
  const buffer = api.ggml_backend_alloc_ctx_tensors(context, cpu.backend);
  if (buffer === null) {
    api.ggml_free(context);
    throw new MaftError('INTERNAL', 'could not allocate the LoRA tensors');
  }
  if (options.initial !== undefined) {
    try {
      writeInitialWeights(cpu, targets, rank, options.initial);
    } catch (error) {
      api.ggml_backend_buffer_free(buffer);
      api.ggml_free(context);
      throw error;
    }
  } else
    for (const target of targets.values()) {
      const random = createRandom(deriveSeed(options.seed, target.name));
      const limit = 1 / Math.sqrt(target.inputSize);
      const a = new Float32Array(target.inputSize * rank);
      for (let index = 0; index < a.length; index++) a[index] = (random.next() * 2 - 1) * limit;
      writeTensor(api, target.a, a);
      writeTensor(api, target.b, new Float32Array(rank * target.outputSize));
    }
  return {
    rank,
    alpha,
    scale: alpha === 0 ? 1 : alpha / rank,
    targets,
    dispose: () => {
      api.ggml_backend_buffer_free(buffer);
      api.ggml_free(context);
    },
  };
}

/** Copy a stored adapter into the targets; its rank and its set of adapted tensors must be these. */
function writeInitialWeights(
  cpu: CpuBackend,
  targets: ReadonlyMap<string, LoraTarget>,
  rank: number,
  initial: StoredAdapter,
): void {
  if (initial.rank !== rank) {
    throw new MaftError('CONFIG_INVALID', `the adapter to continue from has rank ${initial.rank}, not ${rank}`, {
      field: 'lora.rank',
    });
  }
  const expected = [...targets.keys()].flatMap((name) => [`${name}.lora_a`, `${name}.lora_b`]);
  const missing = expected.filter((name) => !initial.tensors.has(name));
  const extra = [...initial.tensors.keys()].filter((name) => !expected.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const detail = missing.length > 0 ? `lacks ${missing[0]}` : `also adapts ${extra[0]}`;
    throw new MaftError(
      'CONFIG_INVALID',
      `the adapter to continue from ${detail}: its targets differ from this run's`,
      { field: 'lora.targets' },
    );
  }
  for (const target of targets.values()) {
    for (const [suffix, handle, size] of [
      ['lora_a', target.a, target.inputSize * rank],
      ['lora_b', target.b, rank * target.outputSize],
    ] as const) {
      const values = initial.tensors.get(`${target.name}.${suffix}`) as Float32Array;
      if (values.length !== size)
        throw new MaftError('INPUT_INVALID', `${target.name}.${suffix} has ${values.length} values, expected ${size}`);
      writeTensor(cpu.api, handle, values);
    }
  }
}
