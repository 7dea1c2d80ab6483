/**
 * Per-request LoRA through the OpenAI-compatible backend: llama-server loads a GGUF adapter written by maft
 * (`--lora`, at scale 0 until a request asks), and a request's body field `lora: [{id, scale}]` — sent through
 * `providerOptions.openai` or a model's `extraBody` — applies it to that request only. This is how one base
 * model serves a society of finetuned agents from one server.
 *
 * Pitfall found here: once adapters are loaded, send every request an explicit `lora` list (the base model as
 * scale 0), never none; see the second test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleModel } from '../../../src/backends/openai-compatible/index.js';
import type { ChatModel, ChatRequest } from '../../../src/spec/chat-model.js';
import { binary, modelAlias, serveTinyModel, suiteName, type Served } from './fixtures.js';

const ask = (lora?: { id: number; scale: number }[]): ChatRequest => ({
  messages: [{ role: 'user', content: 'What is 2+3?' }],
  temperature: 1,
  seed: 11,
  maxTokens: 16,
  ...(lora !== undefined ? { providerOptions: { openai: { lora } } } : {}),
});

describe.skipIf(binary.path === undefined)(suiteName('per-request LoRA on llama-server'), () => {
  let served: Served;
  let base: ChatModel;

  beforeAll(async () => {
    served = await serveTinyModel({ withAdapter: true });
    base = createOpenAiCompatibleModel({ baseURL: served.server.baseURL, model: modelAlias, env: {} });
  });
  afterAll(async () => {
    await served?.close();
  });

  it('lists the adapter, loaded at scale 0', async () => {
    const adapters = (await (await fetch(`${served.server.origin}/lora-adapters`)).json()) as {
      id: number;
      path: string;
      scale: number;
    }[];
    expect(adapters).toEqual([expect.objectContaining({ id: 0, path: served.adapterPath, scale: 0 })]);
  });

  it('changes the answer at scale 1 and not at scale 0, per request', async () => {
    const plain = await base.complete(ask());
    const scaleZero = await base.complete(ask([{ id: 0, scale: 0 }]));
    const adapted = await base.complete(ask([{ id: 0, scale: 1 }]));
    expect(scaleZero.text).toBe(plain.text);
    expect(adapted.text).not.toBe(plain.text);
    // Back to the base model on the same slot. The scales must be explicit: a request with no `lora` field
    // would reuse the slot's prompt cache computed *with* the adapter (llama-server clears it only when a
    // request names adapters), and answer with neither model's text.
    expect((await base.complete(ask([{ id: 0, scale: 0 }]))).text).toBe(plain.text);
  });

  it('applies an adapter given as the model’s extraBody, under its own model id', async () => {
    const agent = createOpenAiCompatibleModel({
      baseURL: served.server.baseURL,
      model: modelAlias,
      env: {},
      extraBody: { lora: [{ id: 0, scale: 1 }] },
    });
    expect(agent.id).not.toBe(base.id);
    const viaExtraBody = await agent.complete(ask());
    const viaRequest = await base.complete(ask([{ id: 0, scale: 1 }]));
    expect(viaExtraBody.text).toBe(viaRequest.text);
  });
});
