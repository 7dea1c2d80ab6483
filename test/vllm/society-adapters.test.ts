import { describe, expect, it } from 'vitest';
import {
  checkAdapterNames,
  limitProblems,
  serverPathOf,
  smallestMaxLoraRank,
  vllmServeLine,
} from '../../src/vllm/society-adapters.js';

const society = [
  { name: 'agent-0-generator', path: '/runs/a/agent-0-generator', rank: 16 },
  { name: 'agent-0-critic', path: '/runs/a/agent-0-critic', rank: 20 },
];

describe('a society on one vLLM server', () => {
  it('rounds ranks up to a --max-lora-rank vLLM accepts', () => {
    expect([1, 2, 8, 9, 16, 17, 257, 512].map(smallestMaxLoraRank)).toEqual([1, 8, 8, 16, 16, 32, 320, 512]);
    expect(() => smallestMaxLoraRank(513)).toThrow(/exceeds vLLM's largest/);
  });

  it('lists every limit problem at once', () => {
    expect(limitProblems(society, 3, { maxLoras: 1, maxLoraRank: 16 })).toEqual([
      '--max-loras 1 batches fewer adapters than the 3 agents of a round: restart with --max-loras 3',
      "adapter agent-0-critic has rank 20 > the server's --max-lora-rank 16: restart with --max-lora-rank 32",
    ]);
    expect(limitProblems(society, 1, {})).toEqual([]);
  });

  it('the vllm serve line for a server without runtime loading', () => {
    expect(vllmServeLine('qwen7b', society, 1)).toBe(
      'vllm serve qwen7b --enable-lora --max-loras 1 --max-lora-rank 32 --lora-modules agent-0-generator=/runs/a/agent-0-generator agent-0-critic=/runs/a/agent-0-critic',
    );
  });

  it('maps local directories to where the server mounts them, and checks names', () => {
    expect(serverPathOf('runs/a/agent-0-critic/', '/mnt/adapters/')).toBe('/mnt/adapters/agent-0-critic');
    expect(serverPathOf('runs/a/agent-0-critic')).toBe('runs/a/agent-0-critic');
    expect(() => checkAdapterNames([...society, society[0]!])).toThrow(/appears twice/);
    expect(() => checkAdapterNames([{ name: 'a b', path: 'x', rank: 1 }])).toThrow(/use letters, digits/);
  });
});
