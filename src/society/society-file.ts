/**
 * A society given as a file (`maft debate --society <file.yaml>`), to evaluate models trained anywhere: a YAML
 * map from agent to its generator and critic model,
 *
 *     agent-0: { generator: <model>, critic: <model> }
 *     agent-1: { generator: <model> }            # a role left out is the base model
 *
 * (keys `agent-<n>` or `<n>`, n = 0…N−1, each once). A model is a served name on the openai backend, a GGUF
 * adapter file on llama-cpp / llama-server (a relative path means next to the society file). A bad file is one
 * line naming the file, the line and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter, isMap, isScalar, type Node } from 'yaml';
import { assertAdapterFitsBase, readBaseShapes } from '../adapters/adapter-fits-base.js';
import type { BackendConfig } from '../config/config-sections.js';
import { MaftError } from '../errors/maft-error.js';

export interface GivenAgentModels {
  generator?: string;
  critic?: string;
}

export function readSocietyFile(file: string): GivenAgentModels[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new MaftError('FILE_NOT_FOUND', 'cannot read the society file', { file, field: '--society' });
  }
  const lines = new LineCounter();
  const document = YAML.parseDocument(text, { lineCounter: lines });
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range == null ? undefined : lines.linePos(node.range[0]).line;
  const fail = (message: string, node?: Node | null, field?: string): never => {
    const line = lineOf(node);
    throw new MaftError('CONFIG_INVALID', message, {
      file,
      ...(line === undefined ? {} : { line }),
      ...(field === undefined ? {} : { field }),
    });
  };
  const syntax = document.errors[0];
  if (syntax !== undefined)
    throw new MaftError(
      'CONFIG_INVALID',
      (syntax.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+.*$/, ''),
      {
        file,
        line: syntax.linePos?.[0]?.line ?? 1,
      },
    );
  const root = document.contents;
  if (!isMap(root) || root.items.length === 0)
    return fail('expected a map of agent-<n>: {generator: <model>, critic: <model>}', root);
  const directory = path.dirname(path.resolve(file));
  const agents = new Map<number, GivenAgentModels>();
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const index = /^(?:agent-)?(\d+)$/.exec(key)?.[1];
    if (index === undefined) fail(`expected agent-<n> (n from 0), got "${key}"`, keyNode);
    const agent = Number(index);
    if (agents.has(agent)) fail(`agent ${agent} is given twice`, keyNode, key);
    const value = pair.value as Node | null;
    if (!isMap(value)) return fail('expected {generator: <model>, critic: <model>}', value ?? keyNode, key);
    const models: GivenAgentModels = {};
    for (const role of value.items) {
      const roleNode = role.key as Node;
      const name = isScalar(roleNode) ? String(roleNode.value) : '';
      if (name !== 'generator' && name !== 'critic')
        fail(`expected generator or critic, got "${name}"`, roleNode, `${key}.${name}`);
      const model = role.value as Node | null;
      if (!isScalar(model) || typeof model.value !== 'string' || model.value.trim() === '')
        fail('expected a model name or an adapter file', model ?? roleNode, `${key}.${name}`);
      const written = String((model as { value: string }).value);
      // A path next to the society file when such a file exists there; otherwise as written (a served name).
      const local = path.resolve(directory, written);
      models[name as 'generator' | 'critic'] = existsSync(local) ? local : written;
    }
    agents.set(agent, models);
  }
  const count = agents.size;
  for (let agent = 0; agent < count; agent++)
    if (!agents.has(agent)) fail(`agents must be numbered 0 to ${count - 1}: agent-${agent} is missing`, root);
  return Array.from({ length: count }, (_, agent) => agents.get(agent) ?? {});
}

/**
 * Before a run directory exists: on the llama.cpp backends every adapter of a given society is a GGUF LoRA file
 * made for the backend's base model (one line naming the adapter and what differs otherwise).
 */
export async function checkGivenSociety(
  backend: BackendConfig,
  models: readonly { generator?: string | undefined; critic?: string | undefined }[] | undefined,
): Promise<void> {
  if (models === undefined || backend.kind === 'openai') return;
  const base = await readBaseShapes(backend.model);
  const files = new Set(models.flatMap(({ generator, critic }) => [generator, critic]));
  for (const file of files) if (file !== undefined) await assertAdapterFitsBase(path.resolve(file), base);
}
