/**
 * Write trained LoRA weights as a GGUF adapter in llama.cpp's format (src/gguf/lora-adapter.ts), which
 * node-llama-cpp attaches with `createContext({lora: {adapters: [{filePath, scale: 1}]}})` and applies exactly
 * as the trainer's forward pass does (same tensor layout, same alpha/rank scale).
 */
import { describeLoraAdapter } from '../../gguf/lora-adapter.js';
import { writeGgufFile, type GgufWriteResult } from '../../gguf/write-gguf.js';
import type { GgmlApi } from '../ggml/bindings.js';
import { readFloats } from '../ggml/tensors.js';
import type { LoraSet } from '../lora/lora-weights.js';
import type { ModelHyperparameters } from '../model/hyperparameters.js';

export async function writeLoraAdapter(
  api: GgmlApi,
  path: string,
  hyperparameters: ModelHyperparameters,
  lora: LoraSet,
  name = 'maft-lora',
): Promise<GgufWriteResult> {
  const weights = [...lora.targets.values()].map((target) => ({
    target: target.name,
    inputSize: target.inputSize,
    outputSize: target.outputSize,
    rank: lora.rank,
    a: () => readFloats(api, target.a),
    b: () => readFloats(api, target.b),
  }));
  return writeGgufFile(
    path,
    describeLoraAdapter({ architecture: hyperparameters.architecture, alpha: lora.alpha, name, weights }),
  );
}
