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

export interface LoraOptions {
  /** Rank r of A and B. */
  readonly rank: number;
  /** alpha; the update is scaled by alpha/rank (llama.cpp: alpha 0 means a scale of 1). */
  readonly alpha: number;
  /** Which block matrices to adapt. Default all seven: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down. */
  readonly targets?: readonly BlockMatrixName[];
  /** Seed of A's initialisation. */
  readonly seed: number;
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
  if (!(Number.isInteger(rank) && rank >= 1)) throw new MaftError('CONFIG_INVALID', `LoRA rank must be a positive integer, got ${rank}`, { field: 'lora.rank' });
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new MaftError('CONFIG_INVALID', `LoRA alpha must be ≥ 0, got ${alpha}`, { field: 'lora.alpha' });
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
