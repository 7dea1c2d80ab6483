/**
 * Which kinds of finetuned model a backend can serve (pure). Developer 9B owns this file (per-agent models on
 * every backend); this is the minimal form the trainer check needs on its own: the embedded engine applies
 * GGUF adapters, an OpenAI-compatible server serves models by name.
 */
import type { TrainerProduct } from './trainer-products.js';

export function backendServes(backend: { kind: string }): ReadonlySet<TrainerProduct> {
  if (backend.kind === 'llama-cpp') return new Set(['gguf-adapter']);
  return new Set(['served-model']);
}
