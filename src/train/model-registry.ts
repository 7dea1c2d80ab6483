/**
 * The model registry of a run (`artifacts/models/registry.json`): for every (iteration, agent, role), the
 * training job that produced its model — or why there is none — and what was run. Every status change is
 * written the moment it happens (atomically), so a restarted `maft finetune` re-uses finished jobs and
 * retrains only what is missing, failed or was cut short (a half-trained model never has a result file).
 */
export type ModelRole = 'generator' | 'critic';

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface RegistryEntry {
  iteration: number;
  agent: number;
  role: ModelRole;
  status: JobStatus;
  /** The base model file the adapter applies to. */
  base: string;
  /** The LoRA adapter (relative to the run's artifacts), once succeeded. */
  adapter?: string;
  /** Rows trained on, and the sha256 of their canonical JSON (what was trained is auditable). */
  rows: number;
  dataHash: string;
  /** The trainer settings of the job. */
  trainer: Record<string, unknown>;
  result?: { steps: number; finalLoss: number; tokensPerSecond: number; elapsedMs: number };
  /** Why the job failed, or why it was skipped (no data: the agent keeps its previous model). */
  reason?: string;
  versions: { maft: string; nodeLlamaCpp: string };
  updatedAt: string;
}

export interface ModelRegistry {
  entries: RegistryEntry[];
}

export const registryArtifact = 'models/registry.json';

export function adapterArtifact(iteration: number, agent: number, role: ModelRole): string {
  return `models/iteration-${iteration}/agent-${agent}-${role}.gguf`;
}

export function findEntry(registry: ModelRegistry, iteration: number, agent: number, role: ModelRole): RegistryEntry | undefined {
  return registry.entries.find((entry) => entry.iteration === iteration && entry.agent === agent && entry.role === role);
}

/** The registry with `entry` replacing the one for the same (iteration, agent, role). Pure. */
export function withEntry(registry: ModelRegistry, entry: RegistryEntry): ModelRegistry {
  const others = registry.entries.filter(
    (other) => !(other.iteration === entry.iteration && other.agent === entry.agent && other.role === entry.role),
  );
  const entries = [...others, entry].sort((a, b) => a.iteration - b.iteration || a.agent - b.agent || a.role.localeCompare(b.role));
  return { entries };
}

/**
 * The adapter each agent's generator and critic uses at `iteration`: that iteration's succeeded model, or the
 * most recent earlier one (an agent with no data in an iteration keeps its previous model), or none (the base).
 */
export function societyAdapters(registry: ModelRegistry, iteration: number, agents: number): { generator?: string; critic?: string }[] {
  return Array.from({ length: agents }, (_, agent) => {
    const latest = (role: ModelRole) =>
      registry.entries
        .filter((entry) => entry.agent === agent && entry.role === role && entry.status === 'succeeded' && entry.iteration <= iteration)
        .sort((a, b) => b.iteration - a.iteration)[0]?.adapter;
    const generator = latest('generator');
    const critic = latest('critic');
    return { ...(generator ? { generator } : {}), ...(critic ? { critic } : {}) };
  });
}
