/**
 * Load a llama/qwen2 GGUF model into ggml tensors on the CPU backend: node-llama-cpp's `readGgufFileInfo`
 * gives the metadata and each tensor's file offset, and the bytes are read here, one tensor at a time.
 *
 * Precision: `file` keeps each tensor's stored type (F32, F16 or quantized: enough for a frozen base, since
 * ggml multiplies and back-propagates through any of them); `f32` converts F16 to F32 (every trainable
 * tensor must be F32: ggml's AdamW step reads floats) and refuses quantized tensors, which would need
 * dequantizing first (not done yet).
 */
import { open } from 'node:fs/promises';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { MaftError } from '../../errors/maft-error.js';
import type { CpuBackend } from '../ggml/cpu-backend.js';
import { ggmlType, type BufferHandle, type ContextHandle } from '../ggml/handles.js';
import { createMetadataContext, elementCount, newTensor, writeTensor } from '../ggml/tensors.js';
import { readModelHyperparameters, type ModelHyperparameters } from './hyperparameters.js';
import { arrangeModelWeights, type ModelWeights, type WeightTensor } from './model-weights.js';

export interface LoadedModel {
  readonly path: string;
  readonly info: GgufFileInfo;
  readonly hyperparameters: ModelHyperparameters;
  readonly weights: ModelWeights;
  /** Frees the tensors' memory; the weights must not be used afterwards. */
  dispose(): void;
}

export interface LoadModelOptions {
  /** `file` (default): stored types; `f32`: F16 converted to F32, quantized refused (full-parameter training). */
  readonly precision?: 'file' | 'f32';
}

export async function loadModel(cpu: CpuBackend, path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const { api } = cpu;
  const info = await readGgufFileInfo(path, { logWarnings: false });
  const tensorInfos = info.tensorInfo ?? [];
  if (info.splicedParts !== 1)
    throw new MaftError('INPUT_INVALID', `${path}: split GGUF files are not supported by the trainer`);
  const toF32 = options.precision === 'f32';

  const context: ContextHandle = createMetadataContext(api, tensorInfos.length + 1);
  const all = new Map<string, WeightTensor>();
  const sources: { tensor: WeightTensor; fileOffset: number; storedType: number; storedBytes: number }[] = [];
  for (const tensorInfo of tensorInfos) {
    const shape = tensorInfo.dimensions.map(Number);
    const storedType: number = tensorInfo.ggmlType;
    if (toF32 && storedType !== ggmlType.F32 && storedType !== ggmlType.F16) {
      throw new MaftError(
        'INPUT_INVALID',
        `${path}: tensor ${tensorInfo.name} is quantized (type ${storedType}); full-parameter training needs an F32 or F16 model`,
      );
    }
    const type = toF32 ? ggmlType.F32 : storedType;
    const tensor: WeightTensor = {
      name: tensorInfo.name,
      handle: newTensor(api, context, type, shape, tensorInfo.name),
      shape,
      type,
    };
    all.set(tensor.name, tensor);
    const storedBytes = (api.ggml_row_size(storedType, shape[0] ?? 1) * elementCount(shape)) / (shape[0] ?? 1);
    sources.push({ tensor, fileOffset: Number(tensorInfo.fileOffset), storedType, storedBytes });
  }
  const vocabularySize = all.get('token_embd.weight')?.shape[1];
  if (vocabularySize === undefined) throw new MaftError('INPUT_INVALID', `${path}: no token_embd.weight tensor`);
  const hyperparameters = readModelHyperparameters(info.metadata as unknown as Record<string, unknown>, vocabularySize);
  const weights = arrangeModelWeights(all, hyperparameters.blockCount);

  const buffer: BufferHandle | null = api.ggml_backend_alloc_ctx_tensors(context, cpu.backend);
  if (buffer === null) {
    api.ggml_free(context);
    throw new MaftError('INTERNAL', `${path}: could not allocate the model's tensors`);
  }
  const dispose = (): void => {
    api.ggml_backend_buffer_free(buffer);
    api.ggml_free(context);
  };
  try {
    const file = await open(path, 'r');
    try {
      for (const source of sources) {
        const bytes = new Uint8Array(source.storedBytes);
        const { bytesRead } = await file.read(bytes, 0, bytes.length, source.fileOffset);
        if (bytesRead !== bytes.length)
          throw new MaftError('INPUT_INVALID', `${path}: tensor ${source.tensor.name} is truncated`);
        if (source.storedType === source.tensor.type) {
          writeTensor(api, source.tensor.handle, bytes);
        } else {
          const floats = new Float32Array(elementCount(source.tensor.shape));
          api.ggml_fp16_to_fp32_row(bytes, floats, floats.length);
          writeTensor(api, source.tensor.handle, floats);
        }
      }
    } finally {
      await file.close();
    }
  } catch (error) {
    dispose();
    throw error;
  }
  return { path, info, hyperparameters, weights, dispose };
}
