import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';

/** The largest rank of a PEFT adapter directory: `r`, or a larger `rank_pattern` value (what vLLM checks). */
export async function readPeftAdapterRank(directory: string): Promise<number> {
  const file = path.join(directory, 'adapter_config.json');
  let config: { r?: unknown; rank_pattern?: Record<string, unknown> | null };
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as typeof config;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MaftError(
      missing ? 'FILE_NOT_FOUND' : 'INPUT_INVALID',
      missing ? 'no such file (is this a PEFT adapter directory?)' : 'not JSON',
      { file },
    );
  }
  const ranks = [config.r, ...Object.values(config.rank_pattern ?? {})];
  if (!ranks.every((rank) => Number.isInteger(rank) && (rank as number) > 0))
    throw new MaftError('INPUT_INVALID', 'expected positive integer ranks', { file, field: 'r' });
  return Math.max(...(ranks as number[]));
}
