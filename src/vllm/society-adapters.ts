/**
 * A society on one vLLM server: one base model and the 2N adapters (generator n, critic n) by name. The pure
 * rules: which limits the server must have, and the command line that serves the society without runtime
 * loading (`--lora-modules`). A debate round uses N adapters at once (all generators in round 1, all critics
 * after), so `--max-loras` (adapters per batch; vLLM's default is 1) must be at least N for the agents of a
 * round to be batched together, and `--max-lora-rank` at least the largest adapter rank.
 */
import { MaftError } from '../errors/maft-error.js';

export interface SocietyAdapter {
  /** The model name requests use, e.g. `agent-0-generator`. */
  readonly name: string;
  /** The PEFT directory as the server sees it. */
  readonly path: string;
  /** The adapter's largest rank (r, or the largest rank_pattern value). */
  readonly rank: number;
}

export interface VllmLoraLimits {
  /** --max-loras: distinct adapters in one batch. */
  readonly maxLoras?: number;
  /** --max-lora-rank. */
  readonly maxLoraRank?: number;
}

/** The values vLLM's --max-lora-rank accepts (vllm/config/lora.py). */
export const vllmMaxLoraRanks = [1, 8, 16, 32, 64, 128, 256, 320, 512] as const;

export function smallestMaxLoraRank(rank: number): number {
  const fit = vllmMaxLoraRanks.find((value) => value >= rank);
  if (fit === undefined)
    throw new MaftError('CONFIG_INVALID', `rank ${rank} exceeds vLLM's largest --max-lora-rank (512)`, {
      field: 'rank',
    });
  return fit;
}

/** Every problem with the server's limits for this society, as one line each (empty: it fits). */
export function limitProblems(
  adapters: readonly SocietyAdapter[],
  agentsPerRound: number,
  limits: VllmLoraLimits,
): string[] {
  const problems: string[] = [];
  if (limits.maxLoras !== undefined && limits.maxLoras < agentsPerRound) {
    problems.push(
      `--max-loras ${limits.maxLoras} batches fewer adapters than the ${agentsPerRound} agents of a round: restart with --max-loras ${agentsPerRound}`,
    );
  }
  if (limits.maxLoraRank !== undefined) {
    for (const adapter of adapters) {
      if (adapter.rank > limits.maxLoraRank) {
        problems.push(
          `adapter ${adapter.name} has rank ${adapter.rank} > the server's --max-lora-rank ${limits.maxLoraRank}: restart with --max-lora-rank ${smallestMaxLoraRank(adapter.rank)}`,
        );
      }
    }
  }
  return problems;
}

/** `vllm serve` with the society's adapters given at start (for a server without runtime LoRA loading). */
export function vllmServeLine(baseModel: string, adapters: readonly SocietyAdapter[], agentsPerRound: number): string {
  const rank = smallestMaxLoraRank(Math.max(...adapters.map((adapter) => adapter.rank)));
  const modules = adapters.map((adapter) => `${adapter.name}=${adapter.path}`).join(' ');
  return `vllm serve ${baseModel} --enable-lora --max-loras ${Math.max(1, agentsPerRound)} --max-lora-rank ${rank} --lora-modules ${modules}`;
}

/** Names requests can use: letters, digits, `.`, `_`, `-` (also safe in a `--lora-modules name=path` word). */
export function checkAdapterNames(adapters: readonly SocietyAdapter[]): void {
  const seen = new Set<string>();
  for (const adapter of adapters) {
    if (!/^[A-Za-z0-9._-]+$/.test(adapter.name))
      throw new MaftError('CONFIG_INVALID', `adapter name "${adapter.name}": use letters, digits, . _ -`, {
        field: 'adapters',
      });
    if (seen.has(adapter.name))
      throw new MaftError('CONFIG_INVALID', `adapter name ${adapter.name} appears twice`, { field: 'adapters' });
    seen.add(adapter.name);
  }
}

/**
 * Where the server sees an adapter directory: the same path, or, when the server mounts the adapters elsewhere
 * (another machine, a container), `<prefix>/<the directory's own name>`.
 */
export function serverPathOf(directory: string, prefix?: string): string {
  if (prefix === undefined) return directory;
  return `${prefix.replace(/\/+$/, '')}/${directory.split('/').filter(Boolean).pop() ?? ''}`;
}
