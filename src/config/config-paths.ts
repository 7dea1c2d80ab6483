/**
 * Paths written in a config file mean what they say next to the file: `task.options.path: data/gsm8k.jsonl`
 * in `experiments/gsm.yaml` is `experiments/data/gsm8k.jsonl`, whatever directory maft is started from. They
 * are resolved to absolute paths before the config is validated, so the run directory stores them resolved
 * and a resume from another directory reads the same files. Flags keep meaning the current directory.
 * Pure (paths only).
 */
import path from 'node:path';

/** Remote model sources (`hf:` URIs, URLs) are not paths. */
const isRemote = (value: string) => /^(hf|huggingface):/i.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value);

function resolveAt(value: unknown, directory: string): unknown {
  return typeof value === 'string' && value !== '' && !isRemote(value) ? path.resolve(directory, value) : value;
}

function objectAt(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `raw` (a config as written in a file in `directory`) with every path field made absolute. */
export function resolveConfigPaths(raw: Record<string, unknown>, directory: string): Record<string, unknown> {
  const result: Record<string, unknown> = { ...raw };
  for (const key of ['task', 'evalTask']) {
    const task = objectAt(result[key]);
    const options = objectAt(task?.['options']);
    if (task !== undefined && options !== undefined && 'path' in options) {
      result[key] = { ...task, options: { ...options, path: resolveAt(options['path'], directory) } };
    }
  }
  if ('promptsFile' in result) result['promptsFile'] = resolveAt(result['promptsFile'], directory);
  const backend = objectAt(result['backend']);
  // Only the embedded backend's model is a file; an OpenAI-compatible server's model is a name.
  if (backend !== undefined && backend['kind'] !== 'openai' && backend['baseUrl'] === undefined && 'model' in backend) {
    result['backend'] = {
      ...backend,
      model: resolveAt(backend['model'], directory),
      ...(typeof backend['binary'] === 'string' ? { binary: resolveAt(backend['binary'], directory) } : {}),
    };
  }
  // The hf trainer's accelerate config is a file; its model and Python are paths when written as ones (`./…`,
  // `../…`), else names (a hub id, `python3`). A command trainer's arguments are used as written (docs/trainers.md).
  const trainer = objectAt(result['trainer']);
  if (trainer !== undefined && trainer['kind'] === 'hf') {
    const relative = (value: unknown) =>
      typeof value === 'string' && /^\.\.?\//.test(value) ? resolveAt(value, directory) : value;
    result['trainer'] = {
      ...trainer,
      ...('accelerateConfig' in trainer ? { accelerateConfig: resolveAt(trainer['accelerateConfig'], directory) } : {}),
      ...('model' in trainer ? { model: relative(trainer['model']) } : {}),
      ...('python' in trainer ? { python: relative(trainer['python']) } : {}),
    };
  }
  const society = objectAt(result['society']);
  if (society !== undefined && Array.isArray(society['adapters'])) {
    const adapters = society['adapters'].map((own: unknown) => {
      const entry = objectAt(own);
      if (entry === undefined) return own;
      return Object.fromEntries(Object.entries(entry).map(([role, file]) => [role, resolveAt(file, directory)]));
    });
    result['society'] = { ...society, adapters };
  }
  return result;
}
