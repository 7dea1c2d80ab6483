/**
 * Write a fully trained model as a complete GGUF file: the base model's metadata copied key for key with its
 * value types (tokenizer, chat template, context length, file type — what llama.cpp's own saver loses), and
 * every tensor in the base file's order and storage type (F16 tensors, trained in F32, are rounded back to
 * F16). Only `general.name` may change.
 */
import { ggmlTypes, gguf, type GgmlTypeName, type GgufTensor } from '../../gguf/gguf-types.js';
import { readGgufMetadata } from '../../gguf/read-gguf-metadata.js';
import { writeGgufFile, type GgufWriteResult } from '../../gguf/write-gguf.js';
import { MaftError } from '../../errors/maft-error.js';
import type { GgmlApi } from '../ggml/bindings.js';
import { readFloats } from '../ggml/tensors.js';
import type { LoadedModel } from '../model/load-model.js';

const typeNamesById = new Map<number, GgmlTypeName>(
  Object.entries(ggmlTypes).map(([name, { id }]) => [id, name as GgmlTypeName]),
);

export async function writeTrainedModel(
  api: GgmlApi,
  path: string,
  model: LoadedModel,
  name?: string,
): Promise<GgufWriteResult> {
  const headBytes = model.info.infoEndOffset;
  if (headBytes === undefined) throw new MaftError('INTERNAL', `${model.path}: tensor info was not read`);
  const metadata = await readGgufMetadata(model.path, headBytes);
  if (name !== undefined) metadata['general.name'] = gguf.string(name);
  const tensors: GgufTensor[] = (model.info.tensorInfo ?? []).map((info) => {
    const type = typeNamesById.get(info.ggmlType);
    const tensor = model.weights.all.get(info.name);
    if ((type !== 'F32' && type !== 'F16') || tensor === undefined) {
      throw new MaftError('INTERNAL', `tensor ${info.name}: only F32/F16 models are written after full training`);
    }
    return { name: info.name, shape: tensor.shape, type, data: () => readFloats(api, tensor.handle) };
  });
  return writeGgufFile(path, { metadata, tensors });
}
