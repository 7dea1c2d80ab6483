/**
 * What a backend can serve, as the products trainers make (the contract with trainer-products.ts; the check
 * that compares the two lives in resolve-run-config.ts). Both GGUF and PEFT adapters are `{adapter}` ModelRefs;
 * a served model is `{served}`.
 * - llama-cpp (embedded): GGUF LoRA adapter files, applied per context.
 * - llama-server (managed): GGUF LoRA adapter files, loaded at start and chosen per request.
 * - openai: names the server serves (an `ft:` id, a Together output name, a vLLM LoRA name); flagged as vLLM it
 *   also takes PEFT adapter directories, which maft registers by name before a debate.
 */
import type { BackendConfig } from './config-sections.js';

export type ServableModel = 'gguf-adapter' | 'peft-adapter' | 'served-model';

export function backendServes(backend: BackendConfig): ReadonlySet<ServableModel> {
  switch (backend.kind) {
    case 'llama-cpp':
    case 'llama-server':
      return new Set(['gguf-adapter']);
    case 'openai':
      return new Set(backend.vllm === undefined ? ['served-model'] : ['served-model', 'peft-adapter']);
  }
}
