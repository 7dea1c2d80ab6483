/**
 * A compact byte-level BPE vocabulary (`tokenizer.ggml.model = "gpt2"`, pre-tokenizer `qwen2`) for the
 * Qwen2-shaped tiny model.
 *
 * Byte-level BPE spells every byte with one of 256 base tokens, written through GPT-2's byte-to-unicode map
 * (a space is `Ġ`, a newline `Ċ`), so any text round-trips without fallback. Words get their own tokens
 * through merges built left to right (`Ġ t`, `Ġt h`, `Ġth e`); llama.cpp applies merges by rank inside each
 * pre-tokenized piece (the qwen2 regex splits words with their leading space, and digits one by one). The
 * ChatML tokens come last, as in Qwen's vocabularies.
 */
import {
  chatMlEndToken,
  chatMlStartToken,
  chatMlTemplate,
  tinyVocabularyLatex,
  tinyVocabularyWords,
} from './chatml.js';
import { gguf, type GgufMetadata } from './gguf-types.js';
import { tokenTypes, type TinyVocabulary } from './spm-vocabulary.js';

/** GPT-2's reversible map from bytes to printable characters (`bytes_to_unicode`). */
export function byteToUnicodeTable(): string[] {
  const table: string[] = new Array<string>(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    table[byte] = String.fromCodePoint(printable ? byte : next++);
  }
  return table;
}

export function createBpeVocabulary(): TinyVocabulary {
  const byteToUnicode = byteToUnicodeTable();
  const encode = (text: string): string[] =>
    [...Buffer.from(text, 'utf8')].map((byte) => byteToUnicode[byte] as string);

  const tokens: string[] = [...byteToUnicode];
  const known = new Set(tokens);
  const merges: string[] = [];
  const mergeSet = new Set<string>();
  const words = [
    ...tinyVocabularyWords.map((word) => ` ${word}`),
    ...tinyVocabularyWords,
    // The qwen2 regex splits ` \boxed` into ` \` and `boxed`; `\boxed` with no space before it stays whole.
    ...tinyVocabularyLatex,
    ...tinyVocabularyLatex.map((piece) => piece.slice(1)),
    ' \\',
    '\n\n',
  ];
  for (const word of words) {
    const symbols = encode(word);
    let left = symbols[0] as string;
    for (const right of symbols.slice(1)) {
      const merge = `${left} ${right}`;
      if (!mergeSet.has(merge)) {
        mergeSet.add(merge);
        merges.push(merge);
      }
      left += right;
      if (!known.has(left)) {
        known.add(left);
        tokens.push(left);
      }
    }
  }

  const firstSpecial = tokens.length;
  tokens.push('<|endoftext|>', chatMlStartToken, chatMlEndToken);
  const types = tokens.map((_, id) => (id >= firstSpecial ? tokenTypes.control : tokenTypes.normal));
  const endOfText = firstSpecial;
  const eosId = firstSpecial + 2;
  const metadata: GgufMetadata = {
    'tokenizer.ggml.model': gguf.string('gpt2'),
    'tokenizer.ggml.pre': gguf.string('qwen2'),
    'tokenizer.ggml.tokens': gguf.stringArray(tokens),
    'tokenizer.ggml.token_type': gguf.int32Array(types),
    'tokenizer.ggml.merges': gguf.stringArray(merges),
    'tokenizer.ggml.bos_token_id': gguf.uint32(endOfText),
    'tokenizer.ggml.eos_token_id': gguf.uint32(eosId),
    'tokenizer.ggml.padding_token_id': gguf.uint32(endOfText),
    // Like Qwen2: no BOS in front of prompts.
    'tokenizer.ggml.add_bos_token': gguf.bool(false),
    'tokenizer.chat_template': gguf.string(chatMlTemplate),
  };
  return { tokens, bosId: endOfText, eosId, metadata };
}
