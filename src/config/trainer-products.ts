/**
 * What a trainer kind makes (pure), for the up-front check that the run's backend can serve it
 * (resolve-run-config.ts compares it with backendServes): a GGUF LoRA adapter file (llama.cpp engines), a name a
 * server serves (an OpenAI `ft:` id, a Together output name), or a PEFT adapter directory (vLLM). An `hf` job's
 * PEFT adapter is also converted to GGUF when the backend applies GGUF adapters (src/adapters).
 */
export type TrainerProduct = 'gguf-adapter' | 'served-model' | 'peft-adapter';

export function trainerProducts(trainer: {
  kind: 'embedded' | 'openai' | 'together' | 'command' | 'hf';
  produces?: 'gguf-adapter' | 'peft-adapter';
}): TrainerProduct[] {
  switch (trainer.kind) {
    case 'embedded':
      return ['gguf-adapter'];
    case 'openai':
    case 'together':
      return ['served-model'];
    case 'command':
      return [trainer.produces ?? 'gguf-adapter'];
    case 'hf':
      return ['peft-adapter', 'gguf-adapter'];
  }
}
