/**
 * A finetuned model, as a society plan names it: a GGUF LoRA adapter on the run's base model (an artifact name
 * of the run: embedded engine, llama-server) or a model a server serves by name (an OpenAI `ft:` id, a Together
 * output name, a vLLM LoRA name). Undefined where a plan takes a ModelRef means the base model.
 */
export type ModelRef = { adapter: string } | { served: string };

export const describeModelRef = (ref: ModelRef | undefined): string =>
  ref === undefined ? 'the base model' : 'adapter' in ref ? `adapter ${ref.adapter}` : `served model ${ref.served}`;
