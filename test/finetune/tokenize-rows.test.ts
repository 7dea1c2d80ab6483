import path from 'node:path';
import { getLlama, LlamaChat, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyLlamaModel } from '../../src/gguf/tiny-llama.js';
import { writeGgufFile } from '../../src/gguf/write-gguf.js';
import { tokenizeRows } from '../../src/finetune/tokenize-rows.js';
import { toChatHistory } from '../../src/backends/llama-cpp/request-mapping.js';
import { temporaryDirectory } from '../run-store/temporary-directory.js';

const modelPath = path.join(temporaryDirectory('tokenize'), 'tiny.gguf');
beforeAll(async () => {
  await writeGgufFile(modelPath, createTinyLlamaModel({ seed: 2 }));
});

describe('tokenizeRows', () => {
  it('renders the prompt with the model template, learns only the completion and the end of turn', async () => {
    const [row] = await tokenizeRows(modelPath, [
      {
        prompt: [
          { role: 'user', content: 'What is 1+2?' },
          { role: 'assistant', content: 'It is 4.' },
          { role: 'user', content: 'Check again.' },
        ],
        completion: { role: 'assistant', content: 'It is \\boxed{3}.' },
      },
    ]);
    const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath });
    const learned = row!.tokens.filter((_, index) => row!.completion[index]);
    expect(model.detokenize(learned.slice(0, -1) as Token[])).toBe('It is \\boxed{3}.');
    expect(learned.at(-1)).toBe(model.tokens.eos); // <|im_end|>: the model learns to stop
    const context = model.detokenize(row!.tokens.filter((_, index) => !row!.completion[index]) as Token[], true);
    expect(context).toContain('<|im_start|>user\nCheck again.<|im_end|>\n<|im_start|>assistant\n');
    expect(context).toContain('It is 4.'); // earlier replies are context, not targets
    expect(row!.completion.indexOf(true)).toBe(row!.completion.lastIndexOf(false) + 1);

    // The context is exactly what the inference backend evaluates before generating.
    const inference = await model.createContext({ contextSize: 256, threads: 1 });
    const sequence = inference.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence });
    await chat.generateResponse(
      toChatHistory([
        { role: 'user', content: 'What is 1+2?' },
        { role: 'assistant', content: 'It is 4.' },
        { role: 'user', content: 'Check again.' },
      ]),
      { maxTokens: 1, seed: 1 },
    );
    const evaluated = sequence.contextTokens.slice(0, row!.completion.indexOf(true));
    expect(evaluated).toEqual(row!.tokens.slice(0, row!.completion.indexOf(true)));
    chat.dispose();
    await inference.dispose();
    await model.dispose();
    await llama.dispose();
  });
});
